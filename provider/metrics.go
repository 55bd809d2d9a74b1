package provider

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the provider's Prometheus metrics, on a registry of its own so that two
// providers in one process (tests) do not collide.
type metrics struct {
	registry       *prometheus.Registry
	tokenResponses *prometheus.CounterVec
	deviceRequests prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		tokenResponses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_token_responses_total",
			Help: "Token endpoint responses by grant type and outcome (ok or the OAuth error code).",
		}, []string{"grant_type", "outcome"}),
		deviceRequests: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gatehouse_device_authorizations_total",
			Help: "Device authorization requests that issued a device code.",
		}),
	}
	m.registry.MustRegister(m.tokenResponses, m.deviceRequests,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// Metrics serves the Prometheus metrics.
func (p *Provider) Metrics() http.Handler {
	return promhttp.HandlerFor(p.metrics.registry, promhttp.HandlerOpts{})
}
