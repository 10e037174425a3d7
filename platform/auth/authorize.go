package auth

import "errors"

// Sentinels for errors.Is on a *Denial: ErrNotVisible when the caller must not learn that
// the record exists (report NOT_FOUND, worded exactly as for a missing record), and
// ErrPermissionDenied otherwise (report PERMISSION_DENIED).
var (
	ErrPermissionDenied = errors.New("permission denied")
	ErrNotVisible       = errors.New("not visible")
)

// Denial is a refused authorization. Reason is a stable UPPER_SNAKE_CASE code for
// google.rpc.ErrorInfo and audit records; Message is safe to show the caller.
type Denial struct {
	Reason  string
	Message string
	// Hidden marks a record the caller may not see. Handlers must answer NOT_FOUND with the
	// same message as for a record that does not exist, and must check visibility before
	// anything else (etag, state, validation of the change) so no answer reveals it.
	Hidden bool
}

func (d *Denial) Error() string { return d.Message }

// Is makes errors.Is(err, ErrNotVisible) and errors.Is(err, ErrPermissionDenied) work.
func (d *Denial) Is(target error) bool {
	return (d.Hidden && target == ErrNotVisible) || (!d.Hidden && target == ErrPermissionDenied)
}

// AsDenial returns the *Denial in err's chain, if any.
func AsDenial(err error) (*Denial, bool) {
	var d *Denial
	ok := errors.As(err, &d)
	return d, ok
}

// Stable denial reasons.
const (
	ReasonNotVisible       = "NOT_VISIBLE"
	ReasonReadOnlyRole     = "READ_ONLY_ROLE"
	ReasonOtherForce       = "OTHER_FORCE_RECORD"
	ReasonNoOwner          = "RECORD_WITHOUT_OWNER"
	ReasonAcknowledgeOther = "ACKNOWLEDGE_FOR_OTHER_FORCE"
)

// CanRead reports whether id may see a record owned by ownerForce.
//
// Tansiq exists so that two forces see the same picture: every authenticated person and
// service may read every record, whichever force owns it. The only callers refused are
// those without a well-formed identity (a handler reached without the authenticator), and
// they get a Hidden denial. ownerForce is where per-record releasability will plug in.
func CanRead(id Identity, ownerForce string) error {
	if id.check() != nil {
		return &Denial{Reason: ReasonNotVisible, Message: "not found", Hidden: true}
	}
	return nil
}

// CanChange reports whether id may create, update, delete or change the state of a
// record owned by ownerForce (for a create: the force the new record will belong to).
// Only operators and commanders of the owning force may; viewers and services never do
// (a service changes records only on behalf of a person, with that person's token). A
// caller who may not read the record gets CanRead's Hidden denial, so handlers can call
// CanChange alone.
//
// Joint records (a meeting's decisions, a joint deployment) change for the non-owning force
// only through acknowledgement flows, checked with CanAcknowledge.
func CanChange(id Identity, ownerForce string) error {
	if err := CanRead(id, ownerForce); err != nil {
		return err
	}
	if err := canAct(id); err != nil {
		return err
	}
	switch {
	case !validForce(ownerForce):
		return &Denial{Reason: ReasonNoOwner, Message: "the record has no owning force and cannot be changed"}
	case id.Force != ownerForce:
		return &Denial{Reason: ReasonOtherForce,
			Message: "only operators of " + ownerForce + " may change its records"}
	}
	return nil
}

// CanAcknowledge reports whether id may acknowledge, on behalf of force, a joint record
// such as a decision or deployment: a force speaks only for itself, through its own
// operators or commanders.
func CanAcknowledge(id Identity, force string) error {
	if err := CanRead(id, force); err != nil {
		return err
	}
	if err := canAct(id); err != nil {
		return err
	}
	if !validForce(force) || id.Force != force {
		return &Denial{Reason: ReasonAcknowledgeOther,
			Message: "a force acknowledges only for itself: " + id.Force + " cannot acknowledge for " + force}
	}
	return nil
}

// canAct refuses roles that never change anything.
func canAct(id Identity) error {
	switch id.Role {
	case RoleOperator, RoleCommander:
		return nil
	case RoleService:
		return &Denial{Reason: ReasonReadOnlyRole, Message: "a service changes records only with a person's token"}
	default:
		return &Denial{Reason: ReasonReadOnlyRole, Message: "viewers may only read"}
	}
}

// AuditScope says whose audit records id may read: every record (all true), or only those
// of calls made by people of force. Operators, commanders and services read every record,
// both forces', because each force answers to the other for what it did and tried; a
// viewer reads only its own force's, which keeps the other force's working patterns
// (who acted when, and what was refused) to those who act with it.
func AuditScope(id Identity) (force string, all bool) {
	if id.Role == RoleViewer {
		return id.Force, false
	}
	return "", true
}
