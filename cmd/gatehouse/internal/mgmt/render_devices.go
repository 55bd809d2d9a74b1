package mgmt

import "fmt"

// deviceHeader is the header of a device table; OrgDevices adds USER.
const deviceHeader = "ID\tSTATUS\tTRUSTED\tHOSTNAME\tOS\tCLIENT\tIP\tLAST SEEN\tEXPIRES\tTENANT"

// Devices prints the caller's authorized devices.
func (p *Printer) Devices(devs []Device) error {
	return p.devices(devs, false)
}

// OrgDevices prints the authorized devices of an organization's members: the columns
// of [Printer.Devices] and whose device it is.
func (p *Printer) OrgDevices(devs []Device) error {
	return p.devices(devs, true)
}

func (p *Printer) devices(devs []Device, withUser bool) error {
	if p.JSON() {
		return p.writeJSON(nonNil(devs))
	}
	header := deviceHeader
	if withUser {
		header += "\tUSER"
	}
	rows := make([][]string, 0, len(devs))
	for _, d := range devs {
		row := []string{shortID(d.ID), cell(d.Status), yesNo(d.Trusted), cell(d.Hostname),
			cell(d.OS), cell(clientLabel(d)), cell(d.IPAddress), p.time(d.LastSeenAt, tableTime),
			p.time(d.ExpiresAt, tableTime), cell(tenantLabel(d.Tenant))}
		if withUser {
			row = append(row, cell(d.UserID))
		}
		rows = append(rows, row)
	}
	return p.table(header, rows, "No authorized devices.")
}

// Device prints every field of one device, one per line.
func (p *Printer) Device(d *Device) error {
	if p.JSON() {
		return p.writeJSON(d)
	}
	return p.fields([][2]string{
		{"ID", d.ID},
		{"Status", d.Status},
		{"Trusted", yesNo(d.Trusted)},
		{"Client ID", dashIfEmpty(d.ClientID)},
		{"Client version", dashIfEmpty(d.ClientVersion)},
		{"Hostname", dashIfEmpty(d.Hostname)},
		{"OS", dashIfEmpty(d.OS)},
		{"IP address", dashIfEmpty(d.IPAddress)},
		{"Created", p.time(d.CreatedAt, describeTime)},
		{"Last seen", p.time(d.LastSeenAt, describeTime)},
		{"Expires", p.time(d.ExpiresAt, describeTime)},
		{"Tenant", tenantLabel(d.Tenant)},
		{"User ID", dashIfEmpty(d.UserID)},
		{"Organization ID", dashIfEmpty(d.OrgID)},
	})
}

// DeviceChanged prints a device just locked or unlocked; verb is "Locked" or
// "Unlocked".
func (p *Printer) DeviceChanged(d *Device, verb string) error {
	return p.Done(d, fmt.Sprintf("%s authorized device %s (%s); it is now %s.", verb, d.ID,
		cell(d.Hostname), d.Status))
}

// AuditEvents prints audit events.
func (p *Printer) AuditEvents(events []AuditEvent) error {
	if p.JSON() {
		return p.writeJSON(nonNil(events))
	}
	rows := make([][]string, 0, len(events))
	for _, e := range events {
		rows = append(rows, []string{p.time(e.Time, describeTime), cell(e.Type), cell(e.ActorID),
			cell(e.OrgID), shortID(e.DeviceID), cell(e.TargetID), cell(e.IPAddress), cell(e.Detail)})
	}
	return p.table("TIME\tTYPE\tACTOR\tORG\tDEVICE\tTARGET\tIP\tDETAIL", rows, "No audit events.")
}

// clientLabel shows a device's client as client_id/version.
func clientLabel(d Device) string {
	if d.ClientVersion == "" {
		return d.ClientID
	}
	return d.ClientID + "/" + d.ClientVersion
}

// tenantLabel shows a device's tenant URL, or "(gatehouse)" for a login to Gatehouse
// itself.
func tenantLabel(url string) string {
	if url == "" {
		return "(gatehouse)"
	}
	return url
}

// dashIfEmpty returns s, or "-" when it is empty.
func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
