// Package config declares command-line flags whose defaults come from the environment,
// so every deployable is configured the same way: a flag wins, then TANSIQ_* (or a
// standard variable such as MONGODB_URI), then the built-in default.
package config

import (
	"flag"
	"os"
	"strconv"
	"time"
)

// String declares a string flag whose default is $env when set.
func String(fs *flag.FlagSet, name, env, def, usage string) *string {
	if v, ok := os.LookupEnv(env); ok {
		def = v
	}
	return fs.String(name, def, usage+" (env "+env+")")
}

// Bool declares a bool flag whose default is $env when it parses as a bool.
func Bool(fs *flag.FlagSet, name, env string, def bool, usage string) *bool {
	if v, ok := os.LookupEnv(env); ok {
		if b, err := strconv.ParseBool(v); err == nil {
			def = b
		}
	}
	return fs.Bool(name, def, usage+" (env "+env+")")
}

// Int declares an int flag whose default is $env when it parses as an int.
func Int(fs *flag.FlagSet, name, env string, def int, usage string) *int {
	if v, ok := os.LookupEnv(env); ok {
		if n, err := strconv.Atoi(v); err == nil {
			def = n
		}
	}
	return fs.Int(name, def, usage+" (env "+env+")")
}

// Duration declares a duration flag whose default is $env when it parses as a duration.
func Duration(fs *flag.FlagSet, name, env string, def time.Duration, usage string) *time.Duration {
	if v, ok := os.LookupEnv(env); ok {
		if d, err := time.ParseDuration(v); err == nil {
			def = d
		}
	}
	return fs.Duration(name, def, usage+" (env "+env+")")
}
