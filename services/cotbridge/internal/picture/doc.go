// Package picture turns the joint picture the gateway serves into CoT events: zones as
// closed drawing shapes, incidents as hostile events, joint deployments and unit
// positions as friendly units. Follower keeps it current from the gateway's watch
// streams and publishes every change to the hub.
package picture
