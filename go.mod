module github.com/lcrun/lcrun

go 1.26.8

require (
	github.com/ardanlabs/jinja v1.8.0
	github.com/klauspost/cpuid/v2 v2.4.2
	github.com/minio/sha256-simd v1.0.1
	github.com/stretchr/testify v1.12.1
	golang.org/x/sys v0.50.0
	golang.org/x/term v0.48.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
