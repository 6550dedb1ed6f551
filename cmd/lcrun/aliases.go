package main

import (
	"flag"
	"sort"
	"strings"
)

// llama.cpp's flag names are accepted as aliases of lcrun's (issue 17), so
// that the command lines its users already type work here. An alias is a
// flag of its own name whose Value is the Value of the flag it spells, so
// Go's flag package needs no change; help lists it on its flag's line.

// aliasValue is the Value of a flag registered as another spelling of the
// flag named of.
type aliasValue struct {
	flag.Value
	of  string
	seq int // registration order, the order help lists aliases in
}

var aliasSeq int

// IsBoolFlag lets a switch's alias be a switch too (the flag package asks
// the Value).
func (a aliasValue) IsBoolFlag() bool {
	b, ok := a.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// alias registers names as other spellings of fs's flag of, which must be
// registered already.
func alias(fs *flag.FlagSet, of string, names ...string) {
	f := fs.Lookup(of)
	if f == nil {
		panic("lcrun: alias of an unregistered flag -" + of)
	}
	aliasValueOf(fs, of, f.Value, names...)
}

// aliasValueOf registers names as spellings of flag of that set v, for
// aliases that mean a little more than their flag (-ctk sets the K side of
// --kv): they share its help line.
func aliasValueOf(fs *flag.FlagSet, of string, v flag.Value, names ...string) {
	f := fs.Lookup(of)
	if f == nil {
		panic("lcrun: alias of an unregistered flag -" + of)
	}
	for _, n := range names {
		// The flag's own usage, so that a page that shows the flag shows
		// what its aliases mean.
		aliasSeq++
		fs.Var(aliasValue{v, of, aliasSeq}, n, f.Usage)
	}
}

// canonical is the name of the flag that f spells (its own for lcrun's).
func canonical(f *flag.Flag) string {
	if a, ok := f.Value.(aliasValue); ok {
		return a.of
	}
	return f.Name
}

// aliasesOf are the aliases of flag name in fs in the order they were
// registered (llama.cpp's short form before its long one).
func aliasesOf(fs *flag.FlagSet, name string) []string {
	var as []aliasValue
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if a, ok := f.Value.(aliasValue); ok && a.of == name {
			as = append(as, a)
			names = append(names, f.Name)
		}
	})
	sort.Sort(bySeq{as, names})
	return names
}

type bySeq struct {
	as    []aliasValue
	names []string
}

func (b bySeq) Len() int           { return len(b.as) }
func (b bySeq) Less(i, j int) bool { return b.as[i].seq < b.as[j].seq }
func (b bySeq) Swap(i, j int) {
	b.as[i], b.as[j] = b.as[j], b.as[i]
	b.names[i], b.names[j] = b.names[j], b.names[i]
}

// singleDash are llama.cpp's short names longer than one letter: it and
// its users write them with one dash (Go's flag package takes either).
var singleDash = map[string]bool{"ub": true, "fa": true, "ctk": true, "ctv": true, "sys": true}

// spelled is the left column of a flag's help line: the flag, then its
// aliases ("--ctx, -c, --ctx-size").
func spelled(fs *flag.FlagSet, name string) string {
	names := []string{dashed(name)}
	for _, a := range aliasesOf(fs, name) {
		names = append(names, dashed(a))
	}
	return strings.Join(names, ", ")
}

// isSet says whether the command line named flag name (or an alias of it).
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || canonical(f) == name })
	return set
}
