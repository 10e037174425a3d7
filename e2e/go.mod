module github.com/tansiq/tansiq/e2e

go 1.26.0

replace (
	github.com/tansiq/tansiq/platform => ../platform
	github.com/tansiq/tansiq/proto => ../proto
)

replace github.com/tansiq/tansiq/deploy/local => ../deploy/local

require (
	github.com/tansiq/tansiq/deploy/local v0.0.0-00010101000000-000000000000
	github.com/tansiq/tansiq/platform v0.0.0-00010101000000-000000000000
	google.golang.org/grpc v1.85.0
)

require (
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.42.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20261110000943-09e21b237f2c // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)
