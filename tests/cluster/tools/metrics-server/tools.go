//go:build tools

// Package tools pins metrics-server, the metrics API the real HPA controller
// reads in the autoscaling tests (it scrapes KWOK's emulated pod metrics).
package tools

import _ "sigs.k8s.io/metrics-server/cmd/metrics-server"
