// Package proc starts the processes under test, waits until they are healthy, stops
// them, and reads what Linux's /proc says about them: resident memory and CPU time.
package proc
