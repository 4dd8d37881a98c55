// Package lang is sonde's front end: it turns script text into an
// ast.Program, or into diagnostics that say precisely what is wrong.
//
// # Pipeline
//
// The scanner (scan.go, preproc.go) runs the small preprocessor and
// tokenises, splitting the input into root items (probes, config,
// macros, ...). Each item is parsed by a participle grammar (grammar.go)
// for its structure; expressions, types and simple statements are parsed
// by hand through participle's Parseable interface (exprparse.go,
// simple.go), because they are most of the tokens and participle's
// generic engine was ten times slower on them. Lowering (lower.go,
// declarative.go) builds the rest of the AST and desugars the
// declarative form. Items are parsed independently, so one run reports
// the errors of every probe; the list is sorted with at most one error
// per line.
//
// # Decisions
//
//   - Attach points are one token each. A `/` belongs to one only inside
//     a path (a component starting with `/` or `.`, or already holding a
//     `/`), so `kprobe:f/arg0/` has a predicate and `uprobe:/bin/sh:f`
//     does not. The predicate's closing `/` is the one followed by the
//     body, so division works inside predicates.
//   - Inside `< >` a lone `>` at the block's own depth closes the block;
//     `>=`, `>>`, `>>=` and any `>` inside parentheses do not. A bare `>`
//     comparison therefore ends the block early, and the error says to
//     add parentheses.
//   - Casts follow bpftrace: `(ident)` followed by something that starts
//     an expression is a cast unless ident is a builtin, so `(pid)*tid`
//     multiplies and `(foo)*$p` casts a dereference. `(x) - 1` is a cast
//     of -1, as in bpftrace.
//   - `sizeof(name)` with a name that is neither a primitive type nor a
//     typedef by convention (`_t`) is kept as Sizeof.X = Ident; the
//     compiler decides whether the name is a type.
//   - #define substitutes object-like macros only. Expanded tokens sit at
//     the name they replaced: lines and start columns are exact, the end
//     column of a span that ends inside an expansion is approximate.
//   - Limits keep hostile input from exhausting the stack or the
//     terminal: 200 levels of brackets, 1000 prefix operators in a row,
//     `?:` per statement or `else` per probe, lines of 1 MiB.
package lang
