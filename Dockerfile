# syntax=docker/dockerfile:1

# Build a static gatehouse binary.
FROM golang:1.26 AS build
ENV GOTOOLCHAIN=local CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/gatehouse ./cmd/gatehouse

# Run it as an unprivileged user on an image with CA certificates and tzdata only.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/gatehouse /usr/local/bin/gatehouse
USER nonroot:nonroot
EXPOSE 8420
ENTRYPOINT ["gatehouse"]
CMD ["serve"]
