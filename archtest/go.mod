module github.com/tansiq/tansiq/archtest

go 1.26.0
