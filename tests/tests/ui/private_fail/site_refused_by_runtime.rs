// A site whose settings the runtime refuses does not compile, even when the attribute's own
// checks are bypassed: the runtime's validation runs in the `static` itself.
static SITE: fusebox::__private::Site =
    fusebox::__private::Site::new("refused", &fusebox::Config::new().threshold(0));

fn main() {
    let _ = &SITE;
}
