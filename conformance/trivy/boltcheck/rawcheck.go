package main

// An independent walk over the mapped file (trivy-db.md §3), for what bbolt 1.3.6's
// Tx.Check does not look at: bbolt v1.5's key-order rules (strictly increasing within a
// page; child keys >= the parent's branch key and < the next one), element bounds, and
// inline buckets (which Tx.Check skips). With -strict it also requires what the Export
// Center writer promises on top of the format.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"syscall"
)

const (
	magic         = 0xED0CDAED
	branchFlag    = 0x01
	leafFlag      = 0x02
	metaFlag      = 0x04
	freelistFlag  = 0x10
	bucketElement = 0x01
)

var le = binary.LittleEndian // amd64 / arm64 files

type rawMeta struct {
	ok                                        bool
	pageSize                                  uint32
	root, seq, freelist, pgid, txid, checksum uint64
}

type rawResult struct {
	pageSize                       uint32
	pages                          uint64
	txid                           uint64
	branch, leaf, overflow, inline int
	depth                          int
	problems                       []string
	fatal                          bool // bbolt must not open the file
}

type rawChecker struct {
	data   []byte
	ps     uint64
	pgid   uint64
	strict bool
	res    rawResult
}

func (r *rawChecker) problem(format string, args ...interface{}) {
	r.res.problems = append(r.res.problems, fmt.Sprintf(format, args...))
}

func readMeta(data []byte, off uint64) rawMeta {
	if off+80 > uint64(len(data)) {
		return rawMeta{}
	}
	p := data[off : off+80]
	m := rawMeta{
		pageSize: le.Uint32(p[24:]), root: le.Uint64(p[32:]), seq: le.Uint64(p[40:]),
		freelist: le.Uint64(p[48:]), pgid: le.Uint64(p[56:]), txid: le.Uint64(p[64:]),
		checksum: le.Uint64(p[72:]),
	}
	h := fnv.New64a()
	h.Write(p[16:72])
	m.ok = le.Uint16(p[8:]) == metaFlag && le.Uint32(p[16:]) == magic && le.Uint32(p[20:]) == 2 &&
		h.Sum64() == m.checksum
	return m
}

func rawCheck(file string, strict bool) (*rawResult, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() < 4096 {
		return nil, fmt.Errorf("%s: %d bytes; a bbolt file has at least 4096", file, st.Size())
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap %s: %v", file, err)
	}
	defer syscall.Munmap(data)

	r := &rawChecker{data: data, strict: strict}
	m0 := readMeta(data, 0)
	m1 := rawMeta{}
	if m0.ok {
		r.ps = uint64(m0.pageSize)
		m1 = readMeta(data, r.ps)
	} else {
		// bbolt v1.5 probes for meta 1 (1 KiB .. 16 MiB); v1.3.x assumes the OS page size.
		r.problem("meta 0 is not valid (magic, version or checksum); bbolt <= 1.3.6 cannot open this file unless its page size is the OS page size")
		for off := uint64(1024); off <= 16<<20; off *= 2 {
			if m1 = readMeta(data, off); m1.ok && uint64(m1.pageSize) == off {
				r.ps = off
				break
			}
		}
		if r.ps == 0 {
			r.res.fatal = true
			r.problem("no valid meta page")
			return &r.res, nil
		}
	}
	m := m0
	if !m0.ok || (m1.ok && m1.txid > m0.txid) {
		m = m1
	}
	if strict {
		if !m1.ok {
			r.problem("meta 1 is not valid")
		} else if m0.root != m1.root || m0.freelist != m1.freelist || m0.pgid != m1.pgid ||
			m0.pageSize != m1.pageSize || m0.seq != m1.seq || m0.txid == m1.txid {
			r.problem("metas differ in more than txid: %+v vs %+v", m0, m1)
		}
		if uint64(len(data)) != m.pgid*r.ps {
			r.problem("file size %d != pgid %d x page size %d", len(data), m.pgid, r.ps)
		}
	}
	if uint64(len(data)) < m.pgid*r.ps {
		r.problem("file size %d < pgid %d x page size %d: pages past the end (bbolt would fault)", len(data), m.pgid, r.ps)
		r.res.fatal = true
		return &r.res, nil
	}
	r.pgid = m.pgid
	r.res.pageSize, r.res.pages, r.res.txid = m.pageSize, m.pgid, m.txid
	if fl, ok := r.node(m.freelist, freelistFlag); ok && strict && le.Uint16(fl[10:]) != 0 {
		r.problem("freelist page %d is not empty", m.freelist)
	}
	r.walk(m.root, nil, nil, 1, "(root)")
	return &r.res, nil
}

// node returns the bytes of the node at page id (with its overflow pages).
func (r *rawChecker) node(id uint64, want uint16) ([]byte, bool) {
	if id < 2 || id >= r.pgid {
		r.problem("page %d: out of bounds (pgid %d)", id, r.pgid)
		return nil, false
	}
	p := r.data[id*r.ps:]
	flags, overflow := le.Uint16(p[8:]), uint64(le.Uint32(p[12:]))
	if le.Uint64(p) != id {
		r.problem("page %d: header id %d", id, le.Uint64(p))
		return nil, false
	}
	if flags&want == 0 || (flags != branchFlag && flags != leafFlag && flags != freelistFlag) {
		r.problem("page %d: flags %#x", id, flags)
		return nil, false
	}
	if id+overflow >= r.pgid {
		r.problem("page %d: overflow %d runs past pgid %d", id, overflow, r.pgid)
		return nil, false
	}
	r.res.overflow += int(overflow)
	return p[:(overflow+1)*r.ps], true
}

// inRange: lo <= k, and k < hi when hi is set.
func inRange(k, lo, hi []byte) bool {
	return (lo == nil || bytes.Compare(k, lo) >= 0) && (hi == nil || bytes.Compare(k, hi) < 0)
}

// walk checks the page tree at id, whose keys must lie in [lo, hi).
func (r *rawChecker) walk(id uint64, lo, hi []byte, depth int, where string) {
	if depth > r.res.depth {
		r.res.depth = depth
	}
	n, ok := r.node(id, branchFlag|leafFlag)
	if !ok {
		return
	}
	if le.Uint16(n[8:]) == leafFlag {
		r.res.leaf++
		if r.strict && lo != nil && le.Uint16(n[10:]) > 0 {
			if first, ok := r.leafKey(n, 0, id); ok && !bytes.Equal(first, lo) {
				r.problem("%s page %d: first key %q differs from the branch key %q", where, id, first, lo)
			}
		}
		r.leafElements(n, lo, hi, fmt.Sprintf("%s page %d", where, id))
		return
	}
	r.res.branch++
	count := int(le.Uint16(n[10:]))
	if count == 0 {
		r.problem("%s page %d: empty branch", where, id)
		return
	}
	keys := make([][]byte, count)
	children := make([]uint64, count)
	for i := 0; i < count; i++ {
		e := 16 + 16*i
		if e+16 > len(n) {
			r.problem("%s page %d: element %d past the node", where, id, i)
			return
		}
		pos, ksize := int(le.Uint32(n[e:])), int(le.Uint32(n[e+4:]))
		if e+pos+ksize > len(n) || ksize == 0 {
			r.problem("%s page %d: element %d key out of bounds or empty", where, id, i)
			return
		}
		keys[i], children[i] = n[e+pos:e+pos+ksize], le.Uint64(n[e+8:])
		if i > 0 && bytes.Compare(keys[i-1], keys[i]) >= 0 {
			r.problem("%s page %d: branch keys out of order at %d", where, id, i)
		}
		if !inRange(keys[i], lo, hi) {
			r.problem("%s page %d: branch key %q outside its parent's range", where, id, keys[i])
		}
	}
	if r.strict && lo != nil && !bytes.Equal(keys[0], lo) {
		r.problem("%s page %d: first key %q differs from the parent's branch key %q", where, id, keys[0], lo)
	}
	for i := 0; i < count; i++ {
		next := hi
		if i+1 < count {
			next = keys[i+1]
		}
		r.walk(children[i], keys[i], next, depth+1, where)
	}
}

func (r *rawChecker) leafKey(n []byte, i int, id uint64) ([]byte, bool) {
	e := 16 + 16*i
	if e+16 > len(n) {
		return nil, false
	}
	pos, ksize := int(le.Uint32(n[e+4:])), int(le.Uint32(n[e+8:]))
	if e+pos+ksize > len(n) {
		return nil, false
	}
	return n[e+pos : e+pos+ksize], true
}

// leafElements checks a leaf node (a page, or an inline bucket's fake page) and recurses
// into its sub-buckets.
func (r *rawChecker) leafElements(n, lo, hi []byte, where string) {
	count := int(le.Uint16(n[10:]))
	var prev []byte
	for i := 0; i < count; i++ {
		e := 16 + 16*i
		if e+16 > len(n) {
			r.problem("%s: element %d past the node", where, i)
			return
		}
		flags, pos := le.Uint32(n[e:]), int(le.Uint32(n[e+4:]))
		ksize, vsize := int(le.Uint32(n[e+8:])), int(le.Uint32(n[e+12:]))
		if e+pos+ksize+vsize > len(n) || ksize == 0 {
			r.problem("%s: element %d out of bounds or empty key", where, i)
			return
		}
		k, v := n[e+pos:e+pos+ksize], n[e+pos+ksize:e+pos+ksize+vsize]
		if prev != nil && bytes.Compare(prev, k) >= 0 {
			r.problem("%s: key %q not after %q", where, k, prev)
		}
		if !inRange(k, lo, hi) {
			r.problem("%s: key %q outside its parent's range", where, k)
		}
		prev = k
		if flags&bucketElement == 0 {
			continue
		}
		sub := fmt.Sprintf("%s/%q", where, k)
		if len(v) < 16 {
			r.problem("%s: bucket value of %d bytes", sub, len(v))
			continue
		}
		if root := le.Uint64(v); root != 0 {
			if r.strict && len(v) != 16 {
				r.problem("%s: bucket header with %d trailing bytes", sub, len(v)-16)
			}
			r.walk(root, nil, nil, 1, sub)
			continue
		}
		page := v[16:]
		if len(page) < 16 || le.Uint16(page[8:]) != leafFlag {
			r.problem("%s: inline bucket without a leaf page header", sub)
			continue
		}
		if r.strict && uint64(len(page)) > r.ps/4 {
			r.problem("%s: inline bucket of %d bytes exceeds a quarter page", sub, len(page))
		}
		r.res.inline++
		r.leafElements(page, nil, nil, sub+" (inline)")
	}
}
