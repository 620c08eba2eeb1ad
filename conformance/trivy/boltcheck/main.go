// Command boltcheck is the bbolt oracle for Export Center's Trivy DB writer: it opens a
// database with bbolt itself (Debian's go.etcd.io/bbolt, GOPATH mode), runs bbolt's
// consistency check, re-checks the page structure the way bbolt v1.5 does (1.3.6 skips key
// order), walks every bucket, and can print a canonical dump or decode the Trivy layout.
// With -write it is the reference writer instead: it builds a database with bbolt from a
// dump read on stdin, in one transaction (the insertion-speed baseline).
//
// Usage:
//
//	boltcheck [-strict] [-trivy] [-dump [-values]] [-touch] DB
//	boltcheck -write DB [-pagesize N] [-fill F] < dump
//
// Dump format, one line per bucket or key, in bbolt's order (depth first, keys ascending):
//
//	bucket <path>
//	key <path> <hex key> <value length> <sha256 of value>   (default)
//	value <path> <hex key> <hex value, "-" when empty>      (-values; what -write reads)
//
// <path> is the bucket path from the top level: hex-encoded names joined by "/".
// Exit status: 0 OK, 1 the database has problems, 2 usage or I/O errors.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

const maxReported = 50 // problems printed before the rest are only counted

type checker struct {
	problems int
	dump     *bufio.Writer
	values   bool
	trivy    *trivyChecker
	buckets  int
	keys     int
	bytes    int64
}

func (c *checker) problem(format string, args ...interface{}) {
	c.problems++
	if c.problems <= maxReported {
		fmt.Fprintf(os.Stderr, "problem: "+format+"\n", args...)
	}
}

func pathString(path [][]byte) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = hex.EncodeToString(p)
	}
	return strings.Join(parts, "/")
}

func printable(path [][]byte) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprintf("%q", p)
	}
	return strings.Join(parts, "/")
}

// walk visits bucket b at path: cursor order must be strictly increasing, Get must find
// what the cursor found (this exercises the branch keys), and every value is dumped and,
// with -trivy, decoded.
func (c *checker) walk(path [][]byte, b *bolt.Bucket) {
	c.buckets++
	if c.dump != nil {
		fmt.Fprintf(c.dump, "bucket %s\n", pathString(path))
	}
	if c.trivy != nil {
		c.trivy.bucket(c, path)
	}
	var prev []byte
	cur := b.Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		if prev != nil && bytes.Compare(prev, k) >= 0 {
			c.problem("bucket %s: key %q after %q", printable(path), k, prev)
		}
		prev = append(prev[:0], k...)
		if v == nil {
			child := b.Bucket(k)
			if child == nil {
				c.problem("bucket %s: Bucket(%q) not found", printable(path), k)
				continue
			}
			sub := append(append([][]byte{}, path...), append([]byte{}, k...))
			c.walk(sub, child)
			continue
		}
		c.keys++
		c.bytes += int64(len(v))
		if got := b.Get(k); !bytes.Equal(got, v) {
			c.problem("bucket %s: Get(%q) differs from the cursor's value", printable(path), k)
		}
		if c.dump != nil {
			p := pathString(path)
			if c.values {
				hv := hex.EncodeToString(v)
				if hv == "" {
					hv = "-"
				}
				fmt.Fprintf(c.dump, "value %s %x %s\n", p, k, hv)
			} else {
				fmt.Fprintf(c.dump, "key %s %x %d %x\n", p, k, len(v), sha256.Sum256(v))
			}
		}
		if c.trivy != nil {
			c.trivy.value(c, path, k, v)
		}
	}
}

func check(file string, strict, trivy, dump, values bool) int {
	raw, err := rawCheck(file, strict)
	if err != nil {
		fmt.Fprintln(os.Stderr, "boltcheck:", err)
		return 2
	}
	if raw.fatal {
		for _, p := range raw.problems {
			fmt.Fprintln(os.Stderr, "problem:", p)
		}
		fmt.Fprintf(os.Stderr, "boltcheck: %s: not a usable bbolt file\n", file)
		return 1
	}
	db, err := bolt.Open(file, 0o444, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintf(os.Stderr, "boltcheck: open %s: %v\n", file, err)
		return 1
	}
	defer db.Close()

	c := &checker{values: values}
	for _, p := range raw.problems {
		c.problem("%s", p)
	}
	if dump {
		c.dump = bufio.NewWriterSize(os.Stdout, 1<<20)
		defer c.dump.Flush()
	}
	if trivy {
		c.trivy = newTrivyChecker()
	}
	err = db.View(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			c.problem("bbolt check: %v", e)
		}
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if b == nil {
				c.problem("top-level key %q is not a bucket", name)
				return nil
			}
			c.walk([][]byte{append([]byte{}, name...)}, b)
			return nil
		})
	})
	if err != nil {
		c.problem("view: %v", err)
	}
	if c.trivy != nil {
		c.trivy.finish(c)
	}
	status := "OK"
	if c.problems > 0 {
		status = fmt.Sprintf("%d problems", c.problems)
	}
	fmt.Fprintf(os.Stderr, "boltcheck: %s: %s: pagesize=%d pages=%d branch=%d leaf=%d overflow=%d "+
		"depth=%d txid=%d buckets=%d inline=%d keys=%d valuebytes=%d\n",
		file, status, raw.pageSize, raw.pages, raw.branch, raw.leaf, raw.overflow, raw.depth,
		raw.txid, c.buckets, raw.inline, c.keys, c.bytes)
	if c.trivy != nil {
		fmt.Fprintf(os.Stderr, "boltcheck: trivy layout: %s\n", c.trivy.summary())
	}
	if c.problems > 0 {
		return 1
	}
	return 0
}

// touchDB opens file read-write, which makes bbolt load the freelist, and commits a
// transaction that adds and removes a bucket, so bbolt allocates pages and writes a meta.
func touchDB(file string) error {
	db, err := bolt.Open(file, 0o644, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("boltcheck-touch"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), bytes.Repeat([]byte("v"), 5000))
	})
	if err == nil {
		err = db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("boltcheck-touch")) })
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

func main() {
	strict := flag.Bool("strict", false, "also require what Export Center's writer promises: both metas valid and equal but for txid, file size = pgid x page size, empty freelist, branch keys equal to their child's first key")
	trivy := flag.Bool("trivy", false, "decode every value as the Trivy DB schema 2 layout (trivy-db.md §2)")
	dump := flag.Bool("dump", false, "print the canonical dump on stdout")
	values := flag.Bool("values", false, "with -dump: print whole values (hex) instead of length + sha256")
	touch := flag.Bool("touch", false, "first commit one small read-write transaction with bbolt (loads and rewrites the freelist and a meta; MODIFIES the file), then check")
	write := flag.String("write", "", "create this database with bbolt from a -dump -values stream on stdin")
	pageSize := flag.Int("pagesize", 4096, "with -write: page size")
	fill := flag.Float64("fill", bolt.DefaultFillPercent, "with -write: bucket fill percent (bbolt's default 0.5; compact uses 1.0)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: boltcheck [-strict] [-trivy] [-dump [-values]] [-touch] DB\n       boltcheck -write DB [-pagesize N] [-fill F] < dump")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *write != "" {
		if flag.NArg() != 0 {
			flag.Usage()
			os.Exit(2)
		}
		os.Exit(writeDB(*write, os.Stdin, *pageSize, *fill))
	}
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *touch {
		if err := touchDB(flag.Arg(0)); err != nil {
			fmt.Fprintf(os.Stderr, "boltcheck: read-write transaction on %s: %v\n", flag.Arg(0), err)
			os.Exit(1)
		}
	}
	os.Exit(check(flag.Arg(0), *strict, *trivy, *dump, *values))
}
