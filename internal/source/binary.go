package source

import (
	"fmt"
	"io"
	"os"
	"unicode/utf8"
)

// HeadBytes is how much of a file the binary check reads.
const HeadBytes = 1024

// readHead returns the first HeadBytes of a file (fewer if it is shorter).
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, HeadBytes)
	n, err := io.ReadFull(f, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return buf[:n], err
}

// NotText says why a whole text (a prompt, say) is not text by the rule
// files and standard input follow: a NUL byte, or bytes that are not
// UTF-8; "" for text.
func NotText(b []byte) string { return textReason(b, false) }

// binaryReason says why head (the start of a file) looks binary, or ""
// for text: a NUL byte, or bytes that are not UTF-8. A multi-byte
// character cut by the end of head is not held against it.
func binaryReason(head []byte) string { return textReason(head, len(head) == HeadBytes) }

// textReason is the text rule; cut: b is the start of a longer text, so a
// character cut at its end is not held against it.
func textReason(b []byte, cut bool) string {
	for i, c := range b {
		if c == 0 {
			return fmt.Sprintf("NUL byte at offset %d", i)
		}
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			if cut && !utf8.FullRune(b[i:]) {
				break // cut by the head's end
			}
			return fmt.Sprintf("invalid UTF-8 at offset %d", i)
		}
		i += size
	}
	return ""
}
