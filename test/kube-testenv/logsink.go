package main

import (
	"bytes"
	"io"
	"sync"
)

// logSink writes everything to a log file and forwards to stderr only the
// klog lines of severity E/F (plus Go panics), or every line when verbose.
// klog text lines start with a header like "E0102 15:04:05.000000 ...";
// continuation lines inherit the severity of the last header.
type logSink struct {
	mu      sync.Mutex
	file    io.Writer
	stderr  io.Writer
	prefix  []byte
	verbose bool
	buf     []byte
	sev     byte
	onLine  func(line []byte)
	// While hold is set (startup), lines meant for stderr are kept in held
	// instead: a fresh control plane logs a few transient errors while it
	// bootstraps. release(true) prints them (startup failed), release(false)
	// drops them (startup succeeded).
	hold bool
	held [][]byte
}

func (s *logSink) setHold(hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = hold
}

func (s *logSink) release(print bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if print && s.stderr != nil {
		for _, l := range s.held {
			_, _ = s.stderr.Write(l)
		}
	}
	s.hold, s.held = false, nil
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file != nil {
		_, _ = s.file.Write(p)
	}
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			break
		}
		s.line(s.buf[:i+1])
		s.buf = s.buf[i+1:]
	}
	if len(s.buf) == 0 {
		s.buf = nil // let the backing array go
	}
	return len(p), nil
}

// Known-harmless error lines, kept in the log files but not copied to stderr.
var quietErrors = [][]byte{
	// component-base metrics: logged by every 1.36 component when no
	// --allow-metric-labels-manifest is given.
	[]byte("The manifest file is empty, ignoring."),
}

func (s *logSink) line(l []byte) {
	switch {
	case isKlogHeader(l):
		s.sev = l[0]
	case bytes.HasPrefix(l, []byte("panic:")), bytes.HasPrefix(l, []byte("fatal error:")):
		s.sev = 'F'
	}
	if s.onLine != nil {
		s.onLine(l)
	}
	if s.stderr != nil && (s.verbose || s.sev == 'E' || s.sev == 'F') {
		if !s.verbose && isKlogHeader(l) && s.sev == 'E' {
			for _, q := range quietErrors {
				if bytes.Contains(l, q) {
					s.sev = 'I' // and its continuation lines
					return
				}
			}
		}
		out := append(append([]byte{}, s.prefix...), l...)
		if s.hold {
			if len(s.held) >= 200 {
				s.held = s.held[1:]
			}
			s.held = append(s.held, out)
			return
		}
		_, _ = s.stderr.Write(out)
	}
}

// isKlogHeader matches "Lmmdd " where L is one of I, W, E, F.
func isKlogHeader(l []byte) bool {
	if len(l) < 6 || bytes.IndexByte([]byte("IWEF"), l[0]) < 0 || l[5] != ' ' {
		return false
	}
	for _, c := range l[1:5] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
