// Package prom is a small client of Prometheus' HTTP API: range queries,
// the only call the AIOps agent needs. It tells transient failures (network,
// 5xx, 429, timeouts) from permanent ones (a bad query, a 4xx) so the
// caller retries only what may succeed later.
package prom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds a response read into memory (a range query of a few
// series over minutes is a few hundred kB at most).
const maxBody = 64 << 20

// Client queries one Prometheus server.
type Client struct {
	base *url.URL
	http *http.Client
}

// New returns a client of the server at rawURL (scheme, host and optional
// path prefix) with a per-request timeout.
func New(rawURL string, timeout time.Duration) (*Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("prometheus url %q: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("prometheus url %q: want http(s)://host[:port][/prefix]", rawURL)
	}
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &Client{base: u, http: &http.Client{Timeout: timeout}}, nil
}

// Point is one sample of a series. V is NaN when Prometheus returned NaN.
type Point struct {
	T time.Time
	V float64
}

// Series is one time series of a range query.
type Series struct {
	Labels map[string]string
	Points []Point
}

// LabelString prints the labels as {a="1", b="2"}, sorted by name.
func (s Series) LabelString() string {
	names := make([]string, 0, len(s.Labels))
	for k := range s.Labels {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + "=" + strconv.Quote(s.Labels[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// Error is a failed query. Transient errors are worth retrying.
type Error struct {
	Query     string
	Status    int // HTTP status, 0 if none was received
	Type      string
	Message   string
	Transient bool
}

func (e *Error) Error() string {
	kind := "permanent"
	if e.Transient {
		kind = "transient"
	}
	status := ""
	if e.Status != 0 {
		status = fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	typ := ""
	if e.Type != "" {
		typ = e.Type + ": "
	}
	return fmt.Sprintf("prometheus query %q%s: %s%s [%s]", e.Query, status, typ, e.Message, kind)
}

// IsTransient reports whether err is a prometheus error worth retrying.
func IsTransient(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Transient
}

type apiResponse struct {
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
	Warnings  []string        `json:"warnings"`
}

type matrixData struct {
	ResultType string `json:"resultType"`
	Result     []struct {
		Metric map[string]string `json:"metric"`
		Values [][2]any          `json:"values"`
	} `json:"result"`
}

// QueryRange runs query over [start, end] at step resolution and returns the
// series sorted by their labels (so the same answer gives the same order).
func (c *Client) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]Series, error) {
	if step <= 0 {
		return nil, &Error{Query: query, Message: "step must be positive"}
	}
	if end.Before(start) {
		return nil, &Error{Query: query, Message: "end is before start"}
	}
	form := url.Values{
		"query": {query},
		"start": {formatTime(start)},
		"end":   {formatTime(end)},
		"step":  {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)},
	}
	endpoint := c.base.JoinPath("api/v1/query_range")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &Error{Query: query, Message: err.Error()}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		// Network errors and timeouts may pass; a cancelled context will not.
		return nil, &Error{Query: query, Message: err.Error(), Transient: ctx.Err() == nil}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, &Error{Query: query, Status: resp.StatusCode, Message: "read body: " + err.Error(), Transient: true}
	}
	transientStatus := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
	var api apiResponse
	if err := json.Unmarshal(body, &api); err != nil {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 200 {
			msg = msg[:200] + "..."
		}
		return nil, &Error{Query: query, Status: resp.StatusCode, Message: "not a Prometheus API answer: " + msg, Transient: transientStatus}
	}
	if api.Status != "success" {
		// Prometheus answers 422 execution errors for timeouts and
		// cancellations of the query engine: those may pass too.
		transient := transientStatus || api.ErrorType == "timeout" || api.ErrorType == "canceled" || api.ErrorType == "unavailable"
		return nil, &Error{Query: query, Status: resp.StatusCode, Type: api.ErrorType, Message: api.Error, Transient: transient}
	}
	var data matrixData
	if err := json.Unmarshal(api.Data, &data); err != nil {
		return nil, &Error{Query: query, Status: resp.StatusCode, Message: "decode data: " + err.Error()}
	}
	if data.ResultType != "matrix" {
		return nil, &Error{Query: query, Status: resp.StatusCode, Message: fmt.Sprintf("result type %q, want matrix", data.ResultType)}
	}
	out := make([]Series, 0, len(data.Result))
	for _, r := range data.Result {
		s := Series{Labels: r.Metric, Points: make([]Point, 0, len(r.Values))}
		for _, v := range r.Values {
			p, err := parsePoint(v)
			if err != nil {
				return nil, &Error{Query: query, Status: resp.StatusCode, Message: err.Error()}
			}
			s.Points = append(s.Points, p)
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Series) int { return strings.Compare(a.LabelString(), b.LabelString()) })
	return out, nil
}

// parsePoint reads [unix seconds (number), "value" (string)].
func parsePoint(v [2]any) (Point, error) {
	ts, ok := v[0].(float64)
	if !ok {
		return Point{}, fmt.Errorf("sample timestamp %v is not a number", v[0])
	}
	raw, ok := v[1].(string)
	if !ok {
		return Point{}, fmt.Errorf("sample value %v is not a string", v[1])
	}
	val, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return Point{}, fmt.Errorf("sample value %q: %w", raw, err)
	}
	sec, frac := math.Modf(ts)
	return Point{T: time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC(), V: val}, nil
}

func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1e3, 'f', 3, 64)
}

// Values concatenates the values of every series in order: a metric whose
// query returns several series (one per instance) is judged on all of them.
func Values(series []Series) []float64 {
	var out []float64
	for _, s := range series {
		for _, p := range s.Points {
			out = append(out, p.V)
		}
	}
	return out
}
