//go:build !unix

package sysmem

func maxRSS() int64 { return 0 }
