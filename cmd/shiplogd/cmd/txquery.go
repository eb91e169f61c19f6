package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/version"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/app/txindex"
)

// The transaction queries go through the node's transaction service
// (cosmos.tx.v1beta1.Service), which answers from shiplog's own index; the
// SDK's commands ask CometBFT's RPC, whose index shiplog nodes leave off.

const (
	flagQuery   = "query"
	flagOrderBy = "order-by"
	flagTimeout = "timeout"
)

func queryTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "tx [hash]",
		Short:   "Show a committed transaction and its result",
		Example: fmt.Sprintf("%s query tx 6D1A...", version.AppName),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			res, err := txtypes.NewServiceClient(clientCtx).GetTx(cmd.Context(), &txtypes.GetTxRequest{Hash: args[0]})
			if err != nil {
				return err
			}
			return clientCtx.PrintProto(res.TxResponse)
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

func queryTxsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "txs --query QUERY",
		Short: "Search committed transactions by event attributes and height",
		Long: strings.TrimSpace(`
Search committed transactions. The query is CometBFT's event query language,
conditions joined by AND: event attributes the node indexes (app.toml's
index-events; message.sender and message.action by default) by =, tx.height
by =, <, <=, > and >=, tx.hash by =. A page holds at most 100 transactions.`),
		Example: fmt.Sprintf(`$ %[1]s query txs --query "message.sender='ship1...'"
$ %[1]s query txs --query "message.sender='ship1...' AND tx.height > 1000" --order-by desc --limit 20`, version.AppName),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			query, _ := cmd.Flags().GetString(flagQuery)
			page, _ := cmd.Flags().GetUint64(flags.FlagPage)
			limit, _ := cmd.Flags().GetUint64(flags.FlagLimit)
			order, _ := cmd.Flags().GetString(flagOrderBy)
			orderBy, ok := map[string]txtypes.OrderBy{"asc": txtypes.OrderBy_ORDER_BY_ASC, "desc": txtypes.OrderBy_ORDER_BY_DESC}[order]
			if !ok {
				return fmt.Errorf("--%s %q: want asc or desc", flagOrderBy, order)
			}
			res, err := txtypes.NewServiceClient(clientCtx).GetTxsEvent(cmd.Context(), &txtypes.GetTxsEventRequest{
				Query: query, Page: page, Limit: limit, OrderBy: orderBy,
			})
			if err != nil {
				return err
			}
			if limit == 0 || limit > app.MaxTxsPerPage {
				limit = app.MaxTxsPerPage // what the service used
			}
			return clientCtx.PrintProto(sdk.NewSearchTxsResult(res.Total, uint64(len(res.TxResponses)), max(page, 1), limit, res.TxResponses))
		},
	}
	cmd.Flags().String(flagQuery, "", "the transaction query, e.g. \"message.sender='ship1...'\"")
	cmd.Flags().Uint64(flags.FlagPage, 1, "page of results, from 1")
	cmd.Flags().Uint64(flags.FlagLimit, app.MaxTxsPerPage, "transactions per page, at most 100")
	cmd.Flags().String(flagOrderBy, "asc", "asc or desc by height")
	_ = cmd.MarkFlagRequired(flagQuery)
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// waitTxPoll is how often wait-tx asks for the transaction.
const waitTxPoll = 250 * time.Millisecond

func waitTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "wait-tx [hash]",
		Short: "Wait for a transaction to be committed and show its result",
		Long: `Waits for a transaction to be committed, shows its result, and exits
non-zero if the transaction failed in its block, so that a pipeline step can
wait for its record with one command.`,
		Example: fmt.Sprintf(`$ %[1]s q wait-tx 6D1A...
$ %[1]s tx deployments record ... --output json | %[1]s q wait-tx`, version.AppName),
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			timeout, _ := cmd.Flags().GetDuration(flagTimeout)
			hash, err := waitTxHash(args, cmd.InOrStdin())
			if err != nil {
				return err
			}
			svc := txtypes.NewServiceClient(clientCtx)
			deadline := time.Now().Add(timeout)
			for {
				res, err := svc.GetTx(cmd.Context(), &txtypes.GetTxRequest{Hash: hash})
				if err == nil {
					if err := clientCtx.PrintProto(res.TxResponse); err != nil {
						return err
					}
					return committedTxError(res.TxResponse)
				}
				if !errors.Is(err, txindex.ErrTxNotFound) && status.Code(err) != codes.NotFound {
					return err
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("transaction %s was not committed within %s", hash, timeout)
				}
				time.Sleep(waitTxPoll)
			}
		},
	}
	cmd.Flags().Duration(flagTimeout, 30*time.Second, "how long to wait for the transaction to be committed")
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// committedTxError names a transaction's failure in its block, or is nil.
func committedTxError(r *sdk.TxResponse) error {
	if r.Code == 0 {
		return nil
	}
	return fmt.Errorf("transaction %s failed in block %d (codespace %s, code %d): %s", r.TxHash, r.Height, r.Codespace, r.Code, r.RawLog)
}

// waitTxHash is the hash given as the argument, or the txhash of a tx
// command's JSON output on stdin (its last JSON line: --gas auto prints
// the estimate first). A piped transaction the node refused (CheckTx) is
// an error at once: it will never be in a block.
func waitTxHash(args []string, stdin io.Reader) (string, error) {
	if len(args) == 1 {
		return args[0], nil
	}
	in, err := io.ReadAll(stdin)
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSpace(string(in)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var out struct {
			TxHash    string `json:"txhash"`
			Code      uint32 `json:"code"`
			Codespace string `json:"codespace"`
			RawLog    string `json:"raw_log"`
		}
		if json.Unmarshal([]byte(lines[i]), &out) != nil || out.TxHash == "" {
			continue
		}
		if out.Code != 0 {
			return "", fmt.Errorf("transaction %s was refused (codespace %s, code %d): %s", out.TxHash, out.Codespace, out.Code, out.RawLog)
		}
		return out.TxHash, nil
	}
	return "", errors.New("give a transaction hash, or pipe a tx command's --output json into wait-tx")
}
