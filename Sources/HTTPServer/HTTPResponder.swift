/// What the server calls with each request. Built once and shared; it must not block (the server's loop never
/// waits for it: each request runs in a task, and the response goes back through the loop).
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async -> HTTPResponse
}
