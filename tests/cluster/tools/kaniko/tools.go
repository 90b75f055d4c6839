//go:build tools

// Package tools pins the image builder the test cluster's build Jobs run.
package tools

import _ "github.com/GoogleContainerTools/kaniko/cmd/executor"
