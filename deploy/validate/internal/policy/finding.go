package policy

// Finding is one rule an object breaks.
type Finding struct {
	// Object names the object, as kube.ID does: "Deployment/tansiq/gateway".
	Object string
	// Problem says what is wrong, in words an operator can act on.
	Problem string
}

func (f Finding) String() string { return f.Object + ": " + f.Problem }
