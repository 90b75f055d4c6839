//go:build tools

// Package tools pins Helm, which the chart's cluster tests (charts/kiln) use
// to lint, install, upgrade and uninstall the chart on the local control plane.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
