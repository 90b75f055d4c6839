// The Gateway API CRDs (config/crd/standard) for the exposure tests, from the
// sigs.k8s.io/gateway-api module (see tests/cluster/build.sh); nothing is built.
module kiln.dev/tests/cluster/tools/gateway-api

go 1.26.0

require sigs.k8s.io/gateway-api v1.3.0 // indirect
