// Package layering holds the test that keeps sonde's package graph in the
// shape the design draws: syntax (lang) knows no kernel, the kernel facts
// (kernel/...) know no syntax, and the runtime reads the compiled plan
// without linking the compiler; the provider catalogue (provider) is facts
// every layer reads and links none of them. It has no code of its own.
package layering
