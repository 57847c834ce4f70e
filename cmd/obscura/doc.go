// Command obscura is the Obscura CLI and HTTP service. See `obscura help`.
package main
