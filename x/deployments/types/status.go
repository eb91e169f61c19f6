package types

import (
	"strings"
	"time"

	errorsmod "cosmossdk.io/errors"
)

const (
	statusPrefix   = "DEPLOYMENT_STATUS_"
	strategyPrefix = "STRATEGY_"
)

// FinalStatuses are the statuses a deployment can end in, in declaration order.
var FinalStatuses = []DeploymentStatus{
	DEPLOYMENT_STATUS_SUCCEEDED,
	DEPLOYMENT_STATUS_FAILED,
	DEPLOYMENT_STATUS_ROLLED_BACK,
	DEPLOYMENT_STATUS_HALTED,
}

// IsKnown reports whether s is a value of the enum (unspecified included).
func (s DeploymentStatus) IsKnown() bool {
	_, ok := DeploymentStatus_name[int32(s)]
	return ok
}

// IsFinal reports whether s is a final status: once reached it never changes.
func (s DeploymentStatus) IsFinal() bool {
	switch s {
	case DEPLOYMENT_STATUS_SUCCEEDED, DEPLOYMENT_STATUS_FAILED, DEPLOYMENT_STATUS_ROLLED_BACK, DEPLOYMENT_STATUS_HALTED:
		return true
	default:
		return false
	}
}

// IsFinal reports whether s is a final status.
func IsFinal(s DeploymentStatus) bool { return s.IsFinal() }

// ShortName is the lowercase name used on the command line ("rolled_back").
func (s DeploymentStatus) ShortName() string {
	return strings.ToLower(strings.TrimPrefix(s.String(), statusPrefix))
}

// ParseStatus accepts "succeeded", "SUCCEEDED", "rolled-back", "rolled_back" or
// the full proto name "DEPLOYMENT_STATUS_SUCCEEDED". Unspecified is refused.
func ParseStatus(s string) (DeploymentStatus, error) {
	name := enumName(s, statusPrefix)
	v, ok := DeploymentStatus_value[name]
	if !ok || DeploymentStatus(v) == DEPLOYMENT_STATUS_UNSPECIFIED {
		return DEPLOYMENT_STATUS_UNSPECIFIED, errorsmod.Wrapf(ErrInvalidStatus, "unknown status %q (want one of %s)", s, StatusNames())
	}
	return DeploymentStatus(v), nil
}

// StatusNames is the comma-separated list of settable short status names.
func StatusNames() string {
	names := []string{DEPLOYMENT_STATUS_IN_PROGRESS.ShortName()}
	for _, st := range FinalStatuses {
		names = append(names, st.ShortName())
	}
	return strings.Join(names, ", ")
}

// SucceededAt returns when d became succeeded: the time of its transition to
// succeeded (its created_at if it was recorded succeeded). ok is false if d
// never succeeded. A final status is final, so there is at most one such
// transition.
func SucceededAt(d Deployment) (t time.Time, ok bool) {
	for _, tr := range d.Transitions {
		if tr.To == DEPLOYMENT_STATUS_SUCCEEDED {
			return tr.Time, true
		}
	}
	return time.Time{}, false
}

// ValidateTransition checks one status change: only in_progress may move, and
// only to a final status.
func ValidateTransition(from, to DeploymentStatus) error {
	if from == DEPLOYMENT_STATUS_IN_PROGRESS && to.IsFinal() {
		return nil
	}
	switch {
	case from.IsFinal():
		return errorsmod.Wrapf(ErrIllegalTransition, "from %s to %s: %s is final", from.ShortName(), to.ShortName(), from.ShortName())
	default:
		return errorsmod.Wrapf(ErrIllegalTransition, "from %s to %s: only in_progress -> %s is allowed", from.ShortName(), to.ShortName(), finalNames())
	}
}

func finalNames() string {
	names := make([]string, len(FinalStatuses))
	for i, st := range FinalStatuses {
		names[i] = st.ShortName()
	}
	return strings.Join(names, "|")
}

// IsKnown reports whether s is a value of the enum (unspecified included).
func (s Strategy) IsKnown() bool {
	_, ok := Strategy_name[int32(s)]
	return ok
}

// ShortName is the lowercase name used on the command line ("blue_green").
func (s Strategy) ShortName() string {
	return strings.ToLower(strings.TrimPrefix(s.String(), strategyPrefix))
}

// ParseStrategy accepts "canary", "blue-green", "BLUE_GREEN" or
// "STRATEGY_BLUE_GREEN"; "unspecified" is accepted too.
func ParseStrategy(s string) (Strategy, error) {
	v, ok := Strategy_value[enumName(s, strategyPrefix)]
	if !ok {
		return STRATEGY_UNSPECIFIED, errorsmod.Wrapf(ErrInvalidStrategy, "unknown strategy %q (want one of %s)", s, StrategyNames())
	}
	return Strategy(v), nil
}

// StrategyNames is the comma-separated list of short strategy names.
func StrategyNames() string {
	names := make([]string, 0, len(Strategy_name))
	for i := int32(1); i < int32(len(Strategy_name)); i++ {
		names = append(names, Strategy(i).ShortName())
	}
	return strings.Join(names, ", ")
}

// enumName normalises a user-supplied enum name to its proto constant name.
func enumName(s, prefix string) string {
	name := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
	if !strings.HasPrefix(name, prefix) {
		name = prefix + name
	}
	return name
}
