package prom

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func serve(t *testing.T, status int, body string, check func(r *http.Request)) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if check != nil {
			check(r)
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL+"/prom", 5*time.Second)
	require.NoError(t, err)
	return c
}

func TestQueryRangeSuccess(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	end := start.Add(10 * time.Second)
	c := serve(t, 200, `{"status":"success","data":{"resultType":"matrix","result":[
		{"metric":{"track":"canary"},"values":[[1700000000,"0.3"],[1700000001.5,"NaN"]]},
		{"metric":{"track":"baseline"},"values":[[1700000000,"0.1"]]}]}}`,
		func(r *http.Request) {
			require.Equal(t, http.MethodPost, r.Method)
			require.Equal(t, "/prom/api/v1/query_range", r.URL.Path)
			require.NoError(t, r.ParseForm())
			require.Equal(t, `up{job="x"}`, r.Form.Get("query"))
			require.Equal(t, "1700000000.000", r.Form.Get("start"))
			require.Equal(t, "1700000010.000", r.Form.Get("end"))
			require.Equal(t, "0.5", r.Form.Get("step"))
		})
	series, err := c.QueryRange(context.Background(), `up{job="x"}`, start, end, 500*time.Millisecond)
	require.NoError(t, err)
	require.Len(t, series, 2)
	// Sorted by labels: baseline first.
	require.Equal(t, `{track="baseline"}`, series[0].LabelString())
	require.Equal(t, []Point{{T: start.UTC(), V: 0.1}}, series[0].Points)
	require.Equal(t, start.Add(1500*time.Millisecond).UTC(), series[1].Points[1].T)
	require.True(t, math.IsNaN(series[1].Points[1].V))
	values := Values(series)
	require.Len(t, values, 3)
	require.Equal(t, 0.1, values[0])
}

func TestQueryRangeErrors(t *testing.T) {
	cases := map[string]struct {
		status    int
		body      string
		transient bool
		contains  string
	}{
		"bad query":       {400, `{"status":"error","errorType":"bad_data","error":"parse error at char 3"}`, false, "bad_data: parse error"},
		"engine timeout":  {503, `{"status":"error","errorType":"timeout","error":"query timed out"}`, true, "timeout"},
		"execution 422":   {422, `{"status":"error","errorType":"execution","error":"many-to-many matching"}`, false, "execution"},
		"unavailable 503": {503, `service unavailable`, true, "not a Prometheus API answer"},
		"rate limited":    {429, `slow down`, true, "HTTP 429"},
		"not json 200":    {200, `<html>`, false, "not a Prometheus API answer"},
		"vector result":   {200, `{"status":"success","data":{"resultType":"vector","result":[]}}`, false, `result type "vector"`},
		"bad value":       {200, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"abc"]]}]}}`, false, `"abc"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := serve(t, tc.status, tc.body, nil)
			_, err := c.QueryRange(context.Background(), "q", time.Unix(0, 0), time.Unix(10, 0), time.Second)
			require.Error(t, err)
			require.Equal(t, tc.transient, IsTransient(err), err.Error())
			require.ErrorContains(t, err, tc.contains)
		})
	}
}

func TestQueryRangeNetworkErrorIsTransient(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := New(url, time.Second)
	require.NoError(t, err)
	_, err = c.QueryRange(context.Background(), "q", time.Unix(0, 0), time.Unix(10, 0), time.Second)
	require.True(t, IsTransient(err), "%v", err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.QueryRange(ctx, "q", time.Unix(0, 0), time.Unix(10, 0), time.Second)
	require.False(t, IsTransient(err), "a cancelled query is not retried: %v", err)
}

func TestQueryRangeArguments(t *testing.T) {
	c, err := New("http://127.0.0.1:1", time.Second)
	require.NoError(t, err)
	_, err = c.QueryRange(context.Background(), "q", time.Unix(10, 0), time.Unix(0, 0), time.Second)
	require.ErrorContains(t, err, "end is before start")
	_, err = c.QueryRange(context.Background(), "q", time.Unix(0, 0), time.Unix(10, 0), 0)
	require.ErrorContains(t, err, "step must be positive")
	for _, bad := range []string{"127.0.0.1:9090", "ftp://x", "http://"} {
		_, err := New(bad, time.Second)
		require.Error(t, err, bad)
	}
}
