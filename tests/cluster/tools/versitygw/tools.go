//go:build tools

// Package tools pins versitygw, the S3-compatible server kiln-fetch's tests
// read s3:// model sources from (posix backend on a temporary directory).
package tools

import _ "github.com/versity/versitygw/cmd/versitygw"
