package provider

var iter = &Provider{
	Name:       "iter",
	Aliases:    []string{"it"},
	Form:       "iter:NAME",
	Forms:      []string{"iter:NAME"},
	Doc:        "walks kernel objects once (task, task_file, task_vma...) and ends the run; ctx is struct bpf_iter__NAME *; it cannot be mixed with other probes",
	Example:    `iter:task { @[ctx->task->comm] = count(); }`,
	Expand:     ExpandBTFIters,
	Prog:       ProgTracing,
	AttachType: AttachIter,
	AttachTo:   true,
	Context:    CtxIter,
	Scope:      ScopeFilter,
	OnePass:    true,
	Mech:       MechIter,
}
