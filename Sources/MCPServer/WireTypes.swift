public import HTTPServer

// Our HTTP server's request and response, by names that do not clash with the MCP SDK's types of the same names
// in the files that use both.
public typealias WireRequest = HTTPRequest
public typealias WireResponse = HTTPResponse
