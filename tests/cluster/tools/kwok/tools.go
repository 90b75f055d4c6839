//go:build tools

// Package tools pins the KWOK controller the test control plane runs.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
