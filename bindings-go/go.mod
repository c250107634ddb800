module github.com/petrel-runtime/petrel/bindings-go

go 1.22
