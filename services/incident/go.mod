module github.com/tansiq/tansiq/services/incident

go 1.26.0

replace (
	github.com/tansiq/tansiq/platform => ../../platform
	github.com/tansiq/tansiq/proto => ../../proto
)
