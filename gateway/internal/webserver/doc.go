// Package webserver serves the browser app on the gateway's web address: the embedded
// static assets, and every API the gateway serves over gRPC translated from the Connect
// protocol and gRPC-Web (vanguard) into gRPC calls on the gateway's own gRPC server, so
// that a browser's call passes through the same authentication, authorization, limits,
// audit and forwarding as any other client's. In the local development stack it also
// lists the development identities the stack minted tokens for.
package webserver
