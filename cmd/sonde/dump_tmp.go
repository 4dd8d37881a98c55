package main

import (
	"fmt"

	"sonde/lang/ast"
)

func dumpAST(p *ast.Program) string { return fmt.Sprintf("%+v", p) }
