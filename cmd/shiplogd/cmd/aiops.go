package cmd

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/shiplog/shiplog/cmd/shiplogd/agent/nab"
)

// aiopsCmd groups the AIOps agent's commands: the agent (watch), one-shot
// canary judgement (judge) and the anomaly detector's benchmark on the
// Numenta Anomaly Benchmark.
func aiopsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "aiops",
		Short:                      "AIOps agent: canary judgement, anomaly detection and its benchmark",
		SuggestionsMinimumDistance: 2,
		RunE:                       func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(aiopsWatchCmd(), aiopsJudgeCmd(), nabRunCmd(), nabScoreCmd())
	return cmd
}

const (
	flagData     = "data"
	flagOut      = "out"
	flagResults  = "results"
	flagDetector = "detector"
)

func nabRunCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "nab",
		Short: "Run the anomaly detector over a NAB corpus and write NAB-format results",
		Long: `Runs a fresh detector over every file of DIR/data (NAB layout, labels in
DIR/labels) and writes OUT/<detector>/<category>/<detector>_<file>.csv with the
columns timestamp,value,anomaly_score,label. Prints the detector's throughput
(points per second on one core, detector time only).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, _ := cmd.Flags().GetString(flagData)
			out, _ := cmd.Flags().GetString(flagOut)
			detector, _ := cmd.Flags().GetString(flagDetector)
			corpus, err := nab.LoadCorpus(data)
			if err != nil {
				return err
			}
			stats, err := nab.Run(corpus, detector, out)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "detector %s: %d files, %d points in %s, %.0f points/s (one core, GOMAXPROCS=%d)\n",
				detector, stats.Files, stats.Points, stats.Detecting.Round(1e6), stats.PointsPerSecond(), runtime.GOMAXPROCS(0))
			return nil
		},
	}
	cmd.Flags().String(flagData, "", "NAB folder holding data/ and labels/")
	cmd.Flags().String(flagOut, "", "folder the results are written under")
	cmd.Flags().String(flagDetector, nab.DefaultDetector, fmt.Sprintf("detector to run %v", nab.DetectorNames()))
	_ = cmd.MarkFlagRequired(flagData)
	_ = cmd.MarkFlagRequired(flagOut)
	return cmd
}

func nabScoreCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "nab-score",
		Short: "Score a detector's NAB results with NAB's rules",
		Long: `Reads RESULTS/<detector>/<category>/<detector>_<file>.csv for every file of
DIR/data and prints, for each NAB cost profile, the normalised score at the
single threshold that maximises it over all files, and that threshold.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, _ := cmd.Flags().GetString(flagData)
			results, _ := cmd.Flags().GetString(flagResults)
			detector, _ := cmd.Flags().GetString(flagDetector)
			corpus, err := nab.LoadCorpus(data)
			if err != nil {
				return err
			}
			files, err := nab.ReadResults(corpus, results, detector)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "detector %s on %d files\n", detector, len(files))
			for _, r := range nab.ScoreAll(files) {
				fmt.Fprintln(cmd.OutOrStdout(), r)
			}
			return nil
		},
	}
	cmd.Flags().String(flagData, "", "NAB folder holding data/ and labels/")
	cmd.Flags().String(flagResults, "", "folder holding <detector>/<category>/ results")
	cmd.Flags().String(flagDetector, "", "detector whose results are scored")
	_ = cmd.MarkFlagRequired(flagData)
	_ = cmd.MarkFlagRequired(flagResults)
	_ = cmd.MarkFlagRequired(flagDetector)
	return cmd
}
