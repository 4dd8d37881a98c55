package lang

import (
	"testing"

	"sonde/lang/ast"
)

// Each row pins one precedence level or associativity rule as a tree.
var precedenceTests = []struct{ src, tree string }{
	// Left associativity at every binary level.
	{"a || b || c", "(|| (|| a b) c)"},
	{"a && b && c", "(&& (&& a b) c)"},
	{"a | b | c", "(| (| a b) c)"},
	{"a ^ b ^ c", "(^ (^ a b) c)"},
	{"a & b & c", "(& (& a b) c)"},
	{"a == b != c", "(!= (== a b) c)"},
	{"a < b > c <= d >= e", "(>= (<= (> (< a b) c) d) e)"},
	{"a << b >> c", "(>> (<< a b) c)"},
	{"a - b + c", "(+ (- a b) c)"},
	{"a / b * c % d", "(% (* (/ a b) c) d)"},
	// Each level binds tighter than the one before it.
	{"a || b && c", "(|| a (&& b c))"},
	{"a && b | c", "(&& a (| b c))"},
	{"a | b ^ c", "(| a (^ b c))"},
	{"a ^ b & c", "(^ a (& b c))"},
	{"a & b == c", "(& a (== b c))"},
	{"a == b < c", "(== a (< b c))"},
	{"a < b << c", "(< a (<< b c))"},
	{"a << b + c", "(<< a (+ b c))"},
	{"x+y*z", "(+ x (* y z))"},
	{"x*y+z", "(+ (* x y) z)"},
	{"a & 1 == 0", "(& a (== 1 0))"}, // as in C
	{"a | b == c | d", "(| (| a (== b c)) d)"},
	// Ternary: below every binary operator, right-associative, short form.
	{"a || b ? c : d", "(? (|| a b) c d)"},
	{"a ? b : c ? d : e", "(? a b (? c d e))"},
	{"a ? b ? c : d : e", "(? a (? b c d) e)"},
	{"a ?: b", "(?: a b)"},
	{"a ?: b ?: c", "(?: a (?: b c))"},
	{"$r >= 0 ? $r : -1", "(? (>= $r 0) $r (- 1))"},
	// Prefix operators bind tighter than binary ones; postfix tighter still.
	{"-a * b", "(* (- a) b)"},
	{"!a && b", "(&& (! a) b)"},
	{"~a | b", "(| (~ a) b)"},
	{"*p + 1", "(+ (* p) 1)"},
	{"*($p + 8)", "(* (+ $p 8))"},
	{"&$a", "(& $a)"},
	{"- -a", "(- (- a))"},
	{"**p", "(* (* p))"},
	{"++$x + 1", "(+ (pre++ $x) 1)"},
	{"$x++ + 1", "(+ (post++ $x) 1)"},
	{"--$x", "(pre-- $x)"},
	{"-$a.b", "(- (. $a b))"},
	{"*$p->q", "(* (-> $p q))"},
	{"!@m[1]", "(! (@m 1))"},
	{"a.b.c", "(. (. a b) c)"},
	{"a->b[1].c", "(. ([] (-> a b) 1) c)"},
	{"$t.0.1", "(. (. $t 0) 1)"},
	{"f(1)[2]", "([] (call f 1) 2)"},
	// Casts: a prefix operator; `(builtin)` is a parenthesised value.
	{"(uint16)$x + 1", "(+ (cast <uint16> $x) 1)"},
	{"(uint16)-1", "(cast <uint16> (- 1))"},
	{"(uint32)(uint64)5", "(cast <uint32> (cast <uint64> 5))"},
	{"(struct path *)arg0", "(cast <struct path *> arg0)"},
	{"((struct path *)arg0)->dentry", "(-> (cast <struct path *> arg0) dentry)"},
	{"(int8[8])12345", "(cast <int8[8]> 12345)"},
	{"(struct foo*[4])$x", "(cast <struct foo *[4]> $x)"},
	{"(myident)*$a", "(cast <myident> (* $a))"},
	{"(pid)*tid", "(* pid tid)"},
	{"(arg0)-1", "(- arg0 1)"},
	{"(x) - 1", "(cast <x> (- 1))"},
	{"(x) -1 == 2", "(cast <x> (== (- 1) 2))"[:0] + "(== (cast <x> (- 1)) 2)"},
	{"(x) && y", "(&& x y)"},
	{"(x)->y", "(-> x y)"},
	{"(typeof($b))2", "(cast <typeof($b)> 2)"},
	{"(uint64)*(uint32 *)$p", "(cast <uint64> (* (cast <uint32 *> $p)))"},
	// Parenthesised forms.
	{"(a + b) * c", "(* (+ a b) c)"},
	{"(1, \"a\")", "(tuple 1 \"a\")"},
	{"(1,)", "(tuple 1)"},
	{"()", "(tuple)"},
	{"(a = 1, b = 2)", "(record (a 1) (b 2))"},
	{"((1, 2), 3)", "(tuple (tuple 1 2) 3)"},
	{"sizeof(uint32*[10])", "(sizeof <uint32 *[10]>)"},
	{"sizeof($x) * 2", "(* (sizeof $x) 2)"},
	{"offsetof(struct Foo, a.b.c)", "(offsetof <struct Foo> a b c)"},
	{"{ let $b = 1; $b }", "(block-expr (block (let $b 1) (value $b)))"},
}

func TestPrecedence(t *testing.T) {
	for _, tc := range precedenceTests {
		x, err := ParseExpr(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := ast.Dump(x); got != tc.tree {
			t.Errorf("%s\n got %s\nwant %s", tc.src, got, tc.tree)
		}
		// Printing and parsing again keeps the tree.
		again, err := ParseExpr(ast.FormatExpr(x))
		if err != nil {
			t.Errorf("%s: reparse of %q: %v", tc.src, ast.FormatExpr(x), err)
			continue
		}
		if got := ast.Dump(again); got != tc.tree {
			t.Errorf("%s: printed as %q, which parses as %s", tc.src, ast.FormatExpr(x), got)
		}
	}
}
