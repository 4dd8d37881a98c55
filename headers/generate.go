package headers

//go:generate go run ./internal/gentable -o table.go -kernel kernel
