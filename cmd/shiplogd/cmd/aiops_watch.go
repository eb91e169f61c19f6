package cmd

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"syscall"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/spf13/cobra"

	"github.com/shiplog/shiplog/cmd/shiplogd/agent"
	"github.com/shiplog/shiplog/cmd/shiplogd/agent/prom"
	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
)

// Flags of `shiplogd aiops watch` and `shiplogd aiops judge`.
const (
	flagAgentConfig = "config"
	flagLogLevel    = "log-level"
	flagBaseline    = "baseline"
	flagCanary      = "canary"
	flagAnalysis    = "analysis"
	flagExitCode    = "exit-code"
)

func aiopsWatchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Run the AIOps agent: judge canary deployments from Prometheus and anchor the verdicts",
		Long: `Registers the detector descriptor of --config if its key has not yet, then
follows the chain block by block. For every canary deployment recorded in
progress for a service and environment that an analysis names, it waits for
each analysis window, reads the baseline and canary series from Prometheus
(query_range), runs the canary judge and submits the verdict signed with the
detector key; a FAIL halts the deployment on chain. Streamed anomaly metrics
are scored point by point and reported above their threshold. Transient
failures are retried with backoff; a verdict is never submitted twice for the
same deployment, detector and window. Stops on SIGINT or SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, _ := cmd.Flags().GetString(flagAgentConfig)
			level, _ := cmd.Flags().GetString(flagLogLevel)
			cfg, err := agent.LoadConfig(path)
			if err != nil {
				return err
			}
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(level)); err != nil {
				return fmt.Errorf("--%s %q: want debug, info, warn or error", flagLogLevel, level)
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: lvl}))

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			clientCtx := client.GetClientContextFromCmd(cmd)
			chain, err := agent.DialChain(ctx, cfg, clientCtx.Codec, clientCtx.TxConfig)
			if err != nil {
				return err
			}
			defer chain.Close()
			pc, err := prom.New(cfg.Prometheus.URL, cfg.Prometheus.Timeout)
			if err != nil {
				return err
			}
			state, err := agent.OpenState(cfg.StateDir)
			if err != nil {
				return err
			}
			err = agent.New(cfg, chain, pc, state, logger).Run(ctx)
			logger.Info("agent stopped", "err", err)
			return err
		},
	}
	cmd.Flags().String(flagAgentConfig, "", "agent YAML configuration (see cmd/shiplogd/agent/README.md)")
	cmd.Flags().String(flagLogLevel, "info", "log level: debug, info, warn or error")
	_ = cmd.MarkFlagRequired(flagAgentConfig)
	return cmd
}

// judgeOutput is what `shiplogd aiops judge` prints.
type judgeOutput struct {
	Analysis       string       `json:"analysis"`
	Outcome        string       `json:"outcome"`
	Score          string       `json:"score"`
	ConfigDigest   string       `json:"judge_config_digest"`
	EvidenceDigest string       `json:"evidence_digest"`
	Result         judge.Result `json:"result"`
}

func aiopsJudgeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "judge",
		Short: "Judge a canary once from sample files, locally, and print the result as JSON",
		Long: `Runs the canary judge (the same code the chain re-runs) on the samples of
--baseline and --canary with the metrics, groups and thresholds of an analysis.

--config is either one analysis (YAML with metrics, groups, pass, marginal, ...)
or a whole agent config (then --analysis names the analysis unless it has one).
The sample files are JSON objects mapping each metric name to its values, e.g.
{"latency": [0.12, 0.11, "NaN"], "errors": [0, 1, 0]} ("NaN" and "Inf" strings
are missing values). Prints the verdict, the score, the judge config and
evidence digests a verdict would carry, and every metric's result.
With --exit-code the command fails when the canary does not pass.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			cfgPath, _ := fs.GetString(flagAgentConfig)
			name, _ := fs.GetString(flagAnalysis)
			basePath, _ := fs.GetString(flagBaseline)
			canaryPath, _ := fs.GetString(flagCanary)
			exitCode, _ := fs.GetBool(flagExitCode)
			bz, err := os.ReadFile(cfgPath)
			if err != nil {
				return err
			}
			an, err := agent.ParseAnalysis(bz, name)
			if err != nil {
				return fmt.Errorf("%s: %w", cfgPath, err)
			}
			out, err := JudgeFiles(an, basePath, canaryPath)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			if err := enc.Encode(out); err != nil {
				return err
			}
			if exitCode && out.Outcome != string(judge.VerdictPass) {
				return fmt.Errorf("canary %s (score %s)", out.Outcome, out.Score)
			}
			return nil
		},
	}
	cmd.Flags().String(flagAgentConfig, "", "analysis or agent YAML configuration")
	cmd.Flags().String(flagAnalysis, "", "analysis to use when --config is an agent config with several")
	cmd.Flags().String(flagBaseline, "", "JSON file of baseline samples by metric")
	cmd.Flags().String(flagCanary, "", "JSON file of canary samples by metric")
	cmd.Flags().Bool(flagExitCode, false, "fail (exit status 1) unless the verdict is PASS")
	for _, f := range []string{flagAgentConfig, flagBaseline, flagCanary} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

// JudgeFiles judges the samples of two files with an analysis.
func JudgeFiles(an *agent.Analysis, basePath, canaryPath string) (judgeOutput, error) {
	baseline, err := readSampleFile(basePath)
	if err != nil {
		return judgeOutput{}, err
	}
	canary, err := readSampleFile(canaryPath)
	if err != nil {
		return judgeOutput{}, err
	}
	cfg, err := an.JudgeConfig()
	if err != nil {
		return judgeOutput{}, err
	}
	samples := make([]judge.MetricSamples, 0, len(an.Metrics))
	for _, m := range an.Metrics {
		b, okB := baseline[m.Name]
		c, okC := canary[m.Name]
		if !okB || !okC {
			return judgeOutput{}, fmt.Errorf("metric %q: no samples in %s", m.Name, map[bool]string{true: canaryPath, false: basePath}[okB])
		}
		samples = append(samples, judge.MetricSamples{Name: m.Name, Baseline: b, Canary: c})
	}
	for _, file := range []map[string][]float64{baseline, canary} {
		for name := range file {
			if !slices.ContainsFunc(an.Metrics, func(m agent.Metric) bool { return m.Name == name }) {
				return judgeOutput{}, fmt.Errorf("samples of metric %q, which the analysis does not have", name)
			}
		}
	}
	result, err := judge.Judge(cfg, samples)
	if err != nil {
		return judgeOutput{}, err
	}
	cd, err := judge.ConfigDigest(cfg)
	if err != nil {
		return judgeOutput{}, err
	}
	ed, err := judge.EvidenceDigest(samples)
	if err != nil {
		return judgeOutput{}, err
	}
	return judgeOutput{
		Analysis: an.Name, Outcome: string(result.Verdict), Score: result.Score.String(),
		ConfigDigest: types.DigestString(cd), EvidenceDigest: types.DigestString(ed), Result: result,
	}, nil
}

// readSampleFile reads {"metric": [1, 2, "NaN"]}.
func readSampleFile(path string) (map[string][]float64, error) {
	bz, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw map[string][]json.RawMessage
	if err := json.Unmarshal(bz, &raw); err != nil {
		return nil, fmt.Errorf("%s: want a JSON object of metric name to an array of values: %w", path, err)
	}
	out := make(map[string][]float64, len(raw))
	for name, values := range raw {
		vs := make([]float64, len(values))
		for i, v := range values {
			var f float64
			if err := json.Unmarshal(v, &f); err == nil {
				vs[i] = f
				continue
			}
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, fmt.Errorf("%s: %s[%d] = %s is neither a number nor a string", path, name, i, v)
			}
			if vs[i], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("%s: %s[%d] = %q is not a number", path, name, i, s)
			}
		}
		out[name] = vs
	}
	return out, nil
}
