package main

// -trivy: every value must decode into the Trivy DB schema 2 types (trivy-db.md §2.1,
// §2.2; aquasecurity/trivy-db pkg/types), rejecting unknown fields, and the layout must be
// vulnerability/<id>, data-source/<platform>, Red Hat CPE/{repository,nvr,cpe}/<key>, or
// <platform>/<package>/<vulnerability id>.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

var severityNames = map[string]bool{"UNKNOWN": true, "LOW": true, "MEDIUM": true, "HIGH": true, "CRITICAL": true}

type cvss struct {
	V2Vector  string  `json:",omitempty"`
	V3Vector  string  `json:",omitempty"`
	V40Vector string  `json:",omitempty"`
	V2Score   float64 `json:",omitempty"`
	V3Score   float64 `json:",omitempty"`
	V40Score  float64 `json:",omitempty"`
}

type vulnerability struct {
	Title            string          `json:",omitempty"`
	Description      string          `json:",omitempty"`
	Severity         string          `json:",omitempty"`
	CweIDs           []string        `json:",omitempty"`
	VendorSeverity   map[string]int  `json:",omitempty"`
	CVSS             map[string]cvss `json:",omitempty"`
	References       []string        `json:",omitempty"`
	PublishedDate    *time.Time      `json:",omitempty"`
	LastModifiedDate *time.Time      `json:",omitempty"`
	Custom           interface{}     `json:",omitempty"`
}

type dataSource struct {
	ID     string `json:",omitempty"`
	Name   string `json:",omitempty"`
	URL    string `json:",omitempty"`
	BaseID string `json:",omitempty"`
}

type redHatCVE struct {
	ID       string
	Severity int `json:",omitempty"`
}

// advisory is types.Advisory (Status stored as an int) plus the fields of the per-entry
// forms: types.Advisories {FixedVersion, Entries, Custom} (Rocky, Oracle, Wolfi, ...) and
// Red Hat OVAL {Entries: [{FixedVersion, Cves, Arches, Status, Affected}]}.
type advisory struct {
	VulnerabilityID    string      `json:",omitempty"`
	VendorIDs          []string    `json:",omitempty"`
	OSes               []string    `json:",omitempty"`
	Arches             []string    `json:",omitempty"`
	Status             int         `json:",omitempty"`
	Severity           int         `json:",omitempty"`
	FixedVersion       string      `json:",omitempty"`
	AffectedVersion    string      `json:",omitempty"`
	VulnerableVersions []string    `json:",omitempty"`
	PatchedVersions    []string    `json:",omitempty"`
	UnaffectedVersions []string    `json:",omitempty"`
	DataSource         *dataSource `json:",omitempty"`
	Custom             interface{} `json:",omitempty"`
	Entries            []advisory  `json:",omitempty"`
	Cves               []redHatCVE `json:",omitempty"`
	Affected           []int       `json:",omitempty"`
}

type trivyChecker struct {
	vulns, sources, advisories, cpes, platforms, packages int
	platformNames                                         map[string]bool
	sourceNames                                           map[string]bool
	sawVulnerability                                      bool
}

func newTrivyChecker() *trivyChecker {
	return &trivyChecker{platformNames: map[string]bool{}, sourceNames: map[string]bool{}}
}

// decodeStrict decodes one JSON value of the wanted shape into v, with no unknown fields and
// nothing after it.
func decodeStrict(data []byte, v interface{}, open byte) error {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 || t[0] != open {
		return fmt.Errorf("want a JSON value starting with %q", open)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if err := dec.Decode(&json.RawMessage{}); err != io.EOF {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

func (a *advisory) validate() error {
	if a.Severity < 0 || a.Severity > 4 {
		return fmt.Errorf("Severity %d not in 0..4", a.Severity)
	}
	if a.Status < 0 || a.Status > 7 {
		return fmt.Errorf("Status %d not in 0..7", a.Status)
	}
	for _, c := range a.Cves {
		if c.Severity < 0 || c.Severity > 4 {
			return fmt.Errorf("Cves Severity %d not in 0..4", c.Severity)
		}
	}
	for i := range a.Entries {
		if err := a.Entries[i].validate(); err != nil {
			return fmt.Errorf("Entries[%d]: %v", i, err)
		}
	}
	return nil
}

func (v *vulnerability) validate() error {
	if v.Severity != "" && !severityNames[v.Severity] {
		return fmt.Errorf("Severity %q is not a severity name", v.Severity)
	}
	for src, s := range v.VendorSeverity {
		if s < 0 || s > 4 {
			return fmt.Errorf("VendorSeverity[%s] %d not in 0..4", src, s)
		}
	}
	return nil
}

func (t *trivyChecker) bucket(c *checker, path [][]byte) {
	top := string(path[0])
	switch {
	case len(path) == 1:
		switch top {
		case "vulnerability":
			t.sawVulnerability = true
		case "data-source", "Red Hat CPE":
		default:
			t.platforms++
			t.platformNames[top] = true
		}
	case len(path) == 2 && (top == "vulnerability" || top == "data-source"):
		c.problem("trivy: %s: %s holds only values, not buckets", printable(path), top)
	case len(path) == 2 && top == "Red Hat CPE":
		if s := string(path[1]); s != "repository" && s != "nvr" && s != "cpe" {
			c.problem("trivy: %s: unknown Red Hat CPE bucket", printable(path))
		}
	case len(path) == 2:
		t.packages++
	default:
		c.problem("trivy: %s: buckets nest at most two deep (platform/package)", printable(path))
	}
}

func (t *trivyChecker) value(c *checker, path [][]byte, k, v []byte) {
	top := string(path[0])
	var err error
	switch {
	case len(path) == 1 && top == "vulnerability":
		var x vulnerability
		if err = decodeStrict(v, &x, '{'); err == nil {
			err = x.validate()
		}
		t.vulns++
	case len(path) == 1 && top == "data-source":
		var x dataSource
		err = decodeStrict(v, &x, '{')
		t.sourceNames[string(k)] = true
		t.sources++
	case len(path) == 1:
		err = fmt.Errorf("a top-level bucket other than vulnerability and data-source holds only package buckets")
	case len(path) == 2 && top == "Red Hat CPE":
		if string(path[1]) == "cpe" {
			// trivy-db stores json.Marshal(cpe); Trivy never reads it (debug only), and
			// bolt-fixtures YAML stores it as plain text, so accept both.
			var s string
			if !bytes.HasPrefix(v, []byte("cpe:")) {
				err = decodeStrict(v, &s, '"')
			}
		} else {
			var ids []int
			err = decodeStrict(v, &ids, '[')
		}
		t.cpes++
	case len(path) == 2:
		var x advisory
		if err = decodeStrict(v, &x, '{'); err == nil {
			err = x.validate()
		}
		t.advisories++
	}
	if err != nil {
		c.problem("trivy: %s key %q: %v", printable(path), k, err)
	}
}

func (t *trivyChecker) finish(c *checker) {
	if !t.sawVulnerability {
		c.problem("trivy: no \"vulnerability\" bucket (Trivy panics without it)")
	}
}

func (t *trivyChecker) summary() string {
	missing := 0
	for p := range t.platformNames {
		if !t.sourceNames[p] {
			missing++
		}
	}
	return fmt.Sprintf("vulnerabilities=%d data-sources=%d platforms=%d (without data-source: %d) packages=%d advisories=%d red-hat-cpe=%d",
		t.vulns, t.sources, t.platforms, missing, t.packages, t.advisories, t.cpes)
}
