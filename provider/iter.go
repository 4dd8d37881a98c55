package provider

var iter = &Provider{
	Name:    "iter",
	Aliases: []string{"it"},
	Form:    "iter:NAME",
	Doc: "A BPF iterator (task, task_file, task_vma...): runs once per kernel object, with ctx a struct bpf_iter__NAME *, " +
		"then ends the run. It runs alone.",
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
