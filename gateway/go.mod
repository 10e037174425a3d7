module github.com/tansiq/tansiq/gateway

go 1.26.0

replace (
	github.com/tansiq/tansiq/platform => ../platform
	github.com/tansiq/tansiq/proto => ../proto
)
