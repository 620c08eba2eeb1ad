package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

func decodeHex(s string) ([]byte, error) {
	if s == "-" {
		return []byte{}, nil
	}
	return hex.DecodeString(s)
}

// writeDB creates file with bbolt from a "-dump -values" stream, all in one transaction.
func writeDB(file string, in io.Reader, pageSize int, fill float64) int {
	if _, err := os.Stat(file); err == nil {
		fmt.Fprintf(os.Stderr, "boltcheck: %s already exists\n", file)
		return 2
	}
	start := time.Now()
	db, err := bolt.Open(file, 0o644, &bolt.Options{PageSize: pageSize})
	if err != nil {
		fmt.Fprintf(os.Stderr, "boltcheck: create %s: %v\n", file, err)
		return 2
	}
	defer db.Close()
	buckets, keys := 0, 0
	err = db.Update(func(tx *bolt.Tx) error {
		open := map[string]*bolt.Bucket{}
		// bucketAt creates (if needed) and returns the bucket at a hex path.
		bucketAt := func(path string) (*bolt.Bucket, error) {
			if b, ok := open[path]; ok {
				return b, nil
			}
			var b *bolt.Bucket
			for i, part := range strings.Split(path, "/") {
				name, err := hex.DecodeString(part)
				if err != nil {
					return nil, fmt.Errorf("path %q: %v", path, err)
				}
				if i == 0 {
					b, err = tx.CreateBucketIfNotExists(name)
				} else {
					b, err = b.CreateBucketIfNotExists(name)
				}
				if err != nil {
					return nil, fmt.Errorf("bucket %q: %v", path, err)
				}
				b.FillPercent = fill
			}
			open[path] = b
			buckets++
			return b, nil
		}
		r := bufio.NewReaderSize(in, 1<<20)
		for line := 1; ; line++ {
			text, err := r.ReadString('\n')
			if err == io.EOF && text == "" {
				return nil
			}
			if err != nil && err != io.EOF {
				return err
			}
			f := strings.Split(strings.TrimRight(text, "\n"), " ")
			switch {
			case len(f) == 2 && f[0] == "bucket":
				if _, err := bucketAt(f[1]); err != nil {
					return fmt.Errorf("line %d: %v", line, err)
				}
			case len(f) == 4 && f[0] == "value":
				b, err := bucketAt(f[1])
				if err != nil {
					return fmt.Errorf("line %d: %v", line, err)
				}
				k, err1 := hex.DecodeString(f[2])
				v, err2 := decodeHex(f[3])
				if err1 != nil || err2 != nil {
					return fmt.Errorf("line %d: bad hex", line)
				}
				if err := b.Put(k, v); err != nil {
					return fmt.Errorf("line %d: put: %v", line, err)
				}
				keys++
			case len(f) > 0 && f[0] == "key":
				return fmt.Errorf("line %d: a dump without -values holds no values to write", line)
			default:
				return fmt.Errorf("line %d: want \"bucket PATH\" or \"value PATH KEY VALUE\"", line)
			}
		}
	})
	if err != nil {
		db.Close()
		os.Remove(file)
		fmt.Fprintf(os.Stderr, "boltcheck: write %s: %v\n", file, err)
		return 2
	}
	if err := db.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "boltcheck: close %s: %v\n", file, err)
		return 2
	}
	fmt.Fprintf(os.Stderr, "boltcheck: wrote %s: buckets=%d keys=%d in %.3fs\n", file, buckets, keys,
		time.Since(start).Seconds())
	return 0
}
