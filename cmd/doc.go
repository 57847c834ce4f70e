// Package cmd holds Obscura's executables; cmd/obscura is the CLI and server.
// Commands stay thin: they parse flags and call the library packages.
package cmd
