//! The browser's part in the server's forms.
//!
//! Every form is rendered on the server as a plain `<form method="post">`
//! to its server function, with each problem the server found shown next
//! to its field (the server function redirects back with the problem in
//! the address, and the page renders it), so a form works before any
//! script has arrived. [`InPlaceForm`] is the island that takes such forms
//! over once the script is there: it posts the form the way the browser
//! would, and when the answer is this page again (a problem, or a message
//! such as "saved") it puts the server's new rendering of its part of the
//! page in place, keeping what the person typed after a problem; when the
//! answer is another page, it goes there. It also checks a new password as
//! the person types ([`NewPassword`]).
//!
//! No form's view code, texts or error types reach the browser: the
//! islands runtime with this island is under 100 KiB brotli, where the
//! same forms written as islands of their own made it 200.

use leptos::prelude::*;

use crate::components::Field;
use crate::domain::Problem;
use crate::use_lang;

/// Takes over the forms inside it (see the module's documentation). A form
/// marked `data-keep-values` keeps what was typed after a success too; a
/// button with `data-copy` puts that text on the clipboard.
#[island]
pub fn InPlaceForm(children: Children) -> impl IntoView {
    view! {
        <div class="in-place" on:submit=on_submit on:input=on_input on:click=on_click>
            {children()}
        </div>
    }
}

/// A new password and its confirmation, after the rules it must meet
/// (`children`; a `li[data-rule=length]` is marked as met while the
/// password is long enough), with what `InPlaceForm` needs to check both
/// as they are typed: their ids, and the server's words for each problem
/// in the page's language. The confirmation's field is `confirm_password`.
#[component]
pub fn NewPassword(
    /// The new password's field.
    name: &'static str,
    label: &'static str,
    /// What the server found when the form was last sent.
    problem: Signal<Option<Problem>>,
    confirmation_problem: Signal<Option<Problem>>,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    view! {
        <div
            class=class
            data-password=format!("field-{name}")
            data-confirmation="field-confirm_password"
            data-too-short=Problem::PasswordTooShort.text(lang)
            data-too-long=Problem::PasswordTooLong.text(lang)
            data-mismatch=Problem::PasswordMismatch.text(lang)
        >
            {children()}
        </div>
        <Field
            label=label
            name=name
            kind="password"
            autocomplete="new-password"
            required=true
            problem=problem
        />
        <Field
            label=t.confirm_password
            name="confirm_password"
            kind="password"
            autocomplete="new-password"
            required=true
            problem=confirmation_problem
        />
    }
}

fn on_submit(event: leptos::ev::SubmitEvent) {
    #[cfg(feature = "hydrate")]
    browser::submit(event);
    #[cfg(not(feature = "hydrate"))]
    let _ = event;
}

fn on_click(event: leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    {
        browser::copy(&event);
        browser::add_choice(&event);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = event;
}

fn on_input(event: leptos::ev::Event) {
    #[cfg(feature = "hydrate")]
    browser::check_password(event);
    #[cfg(not(feature = "hydrate"))]
    let _ = event;
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        DomParser, Element, Event, FormData, Headers, HtmlElement, HtmlFormElement,
        HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, RequestInit, Response,
        SubmitEvent, SupportedType, Url, UrlSearchParams,
    };

    use crate::domain::{PasswordRule, Problem};

    /// Sends the form in place, the buttons disabled meanwhile.
    pub fn submit(event: SubmitEvent) {
        let form = event
            .target()
            .and_then(|target| target.dyn_into::<HtmlFormElement>().ok());
        let wrapper = event
            .current_target()
            .and_then(|target| target.dyn_into::<Element>().ok());
        let (Some(form), Some(wrapper)) = (form, wrapper) else {
            return;
        };
        // A search or a link dressed as a button loads its page as usual.
        if form.method() != "post" {
            return;
        }
        event.prevent_default();
        // The button that sent the form counts among its fields, as when
        // the browser posts it.
        let submitter = event.submitter().and_then(|button| {
            let name = button.get_attribute("name")?;
            Some((name, button.get_attribute("value").unwrap_or_default()))
        });
        set_busy(&form, true);
        leptos::task::spawn_local(async move {
            if send(&form, submitter, &wrapper).await.is_err() {
                // The network failed, or the answer was not one a server
                // function gives a form: let the browser post it, so the
                // person sees whatever the server says.
                set_busy(&form, false);
                let _ = form.submit();
            }
        });
    }

    /// Posts `form` as the browser would and shows the answer.
    async fn send(
        form: &HtmlFormElement,
        submitter: Option<(String, String)>,
        wrapper: &Element,
    ) -> Result<(), JsValue> {
        let window = leptos::prelude::window();
        let location = window.location();
        let init = RequestInit::new();
        init.set_method("POST");
        let fields = FormData::new_with_form(form)?;
        if let Some((name, value)) = submitter {
            fields.append_with_str(&name, &value)?;
        }
        // A file goes as the browser sends it; anything else as the
        // urlencoded form that server functions read.
        if form.enctype() == "multipart/form-data" {
            init.set_body(&fields);
        } else {
            let body = UrlSearchParams::new_with_str_sequence_sequence(&fields)?;
            init.set_body(&body);
        }
        let headers = Headers::new()?;
        // Answered as a plain form is: a redirect, to where the person goes
        // next or back to this page with the problem in the address.
        headers.set("Accept", "text/html")?;
        init.set_headers(&headers);
        let response: Response =
            JsFuture::from(window.fetch_with_str_and_init(&form.action(), &init))
                .await?
                .dyn_into()?;
        if !response.redirected() {
            return Err(JsValue::NULL);
        }
        let answer = Url::new(&response.url())?;
        if answer.pathname() != location.pathname()? {
            return location.assign(&answer.href());
        }
        let failed = answer.search_params().has("__err");
        let keep_after_success = form.has_attribute("data-keep-values");
        let html = JsFuture::from(response.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        let page = DomParser::new()?.parse_from_string(&html, SupportedType::TextHtml)?;
        // The same form on the new page: the same place among the page's
        // in-place forms.
        let document = leptos::prelude::document();
        let ours = document.query_selector_all(".in-place")?;
        let theirs = page.query_selector_all(".in-place")?;
        let fresh = (0..ours.length())
            .find(|index| {
                ours.item(*index)
                    .is_some_and(|node| node.is_same_node(Some(wrapper.as_ref())))
            })
            .and_then(|index| theirs.item(index))
            .and_then(|node| node.dyn_into::<Element>().ok());
        let Some(fresh) = fresh else {
            return location.assign(&answer.href());
        };
        let typed = typed_values(wrapper);
        let focused = focused_position(wrapper);
        wrapper.set_inner_html(&fresh.inner_html());
        // After a problem everything typed stays, to be corrected. After a
        // success the form starts afresh, unless it asks to keep what was
        // typed (passwords never).
        if failed || keep_after_success {
            restore(wrapper, &typed, failed);
        } else {
            // The address says what is on the page now (a reload shows the
            // same), not the form that was open.
            let _ =
                window
                    .history()?
                    .replace_state_with_url(&JsValue::NULL, "", Some(&answer.href()));
        }
        // Focus goes to the first field with a problem, else back where it
        // was (the button just used), so a keyboard user is not sent back
        // to the top of the page.
        let invalid = wrapper.query_selector("[aria-invalid=\"true\"]")?;
        let again =
            focused.and_then(|position| wrapper.query_selector_all(FOCUSABLE).ok()?.item(position));
        if let Some(element) = invalid
            .map(Into::into)
            .or(again)
            .and_then(|node| node.dyn_into::<HtmlElement>().ok())
        {
            let _ = element.focus();
        }
        Ok(())
    }

    /// What can hold the focus inside an in-place form.
    const FOCUSABLE: &str = "a[href], button, input, select, textarea";

    /// Where the focus is among `wrapper`'s focusable elements, if inside.
    fn focused_position(wrapper: &Element) -> Option<u32> {
        let active = leptos::prelude::document().active_element()?;
        let candidates = wrapper.query_selector_all(FOCUSABLE).ok()?;
        (0..candidates.length()).find(|position| {
            candidates
                .item(*position)
                .is_some_and(|node| node.is_same_node(Some(active.as_ref())))
        })
    }

    /// A field's name, whether it holds a password, and what it holds.
    struct Typed {
        name: String,
        password: bool,
        value: Value,
    }

    enum Value {
        Text(String),
        Checked(bool),
    }

    fn typed_values(wrapper: &Element) -> Vec<Typed> {
        let mut typed = Vec::new();
        let Ok(fields) = wrapper.query_selector_all("input[name], select[name], textarea[name]")
        else {
            return typed;
        };
        for index in 0..fields.length() {
            let Some(field) = fields.item(index) else {
                continue;
            };
            if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                let kind = input.type_();
                let value = match kind.as_str() {
                    // What the server wrote, not something typed.
                    "hidden" | "submit" | "button" => continue,
                    "checkbox" | "radio" => Value::Checked(input.checked()),
                    _ => Value::Text(input.value()),
                };
                typed.push(Typed {
                    name: input.name(),
                    password: kind == "password",
                    value,
                });
            } else if let Some(select) = field.dyn_ref::<HtmlSelectElement>() {
                typed.push(Typed {
                    name: select.name(),
                    password: false,
                    value: Value::Text(select.value()),
                });
            } else if let Some(area) = field.dyn_ref::<HtmlTextAreaElement>() {
                typed.push(Typed {
                    name: area.name(),
                    password: false,
                    value: Value::Text(area.value()),
                });
            }
        }
        typed
    }

    /// Puts typed values back, field by field in order of name (a name can
    /// repeat: checkboxes of one group). A dropdown added in the page
    /// (`data-more`) is added again first.
    fn restore(wrapper: &Element, typed: &[Typed], with_passwords: bool) {
        for was in typed {
            let missing = wrapper
                .query_selector(&format!("[name=\"{}\"]", was.name))
                .ok()
                .flatten()
                .is_none();
            let prefix = was.name.split('[').next().unwrap_or_default();
            let more = wrapper
                .query_selector(&format!("button[data-more=\"{prefix}\"]"))
                .ok()
                .flatten();
            if let (true, Some(button)) = (missing, more) {
                add_one(&button);
            }
        }
        let Ok(fields) = wrapper.query_selector_all("input[name], select[name], textarea[name]")
        else {
            return;
        };
        let mut used = vec![false; typed.len()];
        for index in 0..fields.length() {
            let Some(field) = fields.item(index) else {
                continue;
            };
            let name = field
                .dyn_ref::<Element>()
                .and_then(|element| element.get_attribute("name"))
                .unwrap_or_default();
            let Some(slot) =
                (0..typed.len()).find(|slot| !used[*slot] && typed[*slot].name == name)
            else {
                continue;
            };
            used[slot] = true;
            let was = &typed[slot];
            if was.password && !with_passwords {
                continue;
            }
            match (&was.value, field.dyn_ref::<HtmlInputElement>()) {
                (Value::Checked(checked), Some(input)) => input.set_checked(*checked),
                (Value::Text(text), Some(input)) if input.type_() != "hidden" => {
                    input.set_value(text)
                }
                (Value::Text(text), None) => {
                    if let Some(select) = field.dyn_ref::<HtmlSelectElement>() {
                        select.set_value(text);
                    } else if let Some(area) = field.dyn_ref::<HtmlTextAreaElement>() {
                        area.set_value(text);
                    }
                }
                _ => {}
            }
        }
    }

    fn set_busy(form: &HtmlFormElement, busy: bool) {
        let _ = form.set_attribute("aria-busy", if busy { "true" } else { "false" });
        if let Ok(buttons) = form.query_selector_all("button[type=\"submit\"]") {
            for index in 0..buttons.length() {
                if let Some(button) = buttons
                    .item(index)
                    .and_then(|node| node.dyn_into::<Element>().ok())
                {
                    let _ = if busy {
                        button.set_attribute("disabled", "")
                    } else {
                        button.remove_attribute("disabled")
                    };
                }
            }
        }
    }

    /// A `data-more` button adds a dropdown like the one before it, named
    /// `<data-more>[<n>]` and labelled `<data-more-label> <n + 1>`, in the
    /// page rather than asking the server for the form again.
    pub fn add_choice(event: &leptos::ev::MouseEvent) {
        let button = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|element| element.closest("button[data-more]").ok().flatten());
        let Some(button) = button else {
            return;
        };
        event.prevent_default();
        if let Some(added) = add_one(&button) {
            let _ = added.focus();
        }
    }

    fn add_one(button: &Element) -> Option<HtmlElement> {
        let prefix = button.get_attribute("data-more")?;
        let label = button.get_attribute("data-more-label").unwrap_or_default();
        let choices = button.parent_element()?.query_selector_all("select").ok()?;
        let count = choices.length();
        let last: Element = choices.item(count.checked_sub(1)?)?.dyn_into().ok()?;
        let copy: HtmlSelectElement = last.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
        copy.set_name(&format!("{prefix}[{count}]"));
        let _ = copy.set_attribute("aria-label", &format!("{label} {}", count + 1));
        copy.set_value("");
        last.after_with_node_1(&copy).ok()?;
        Some(copy.into())
    }

    /// Puts the text of a `data-copy` button on the clipboard.
    pub fn copy(event: &leptos::ev::MouseEvent) {
        let text = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|element| element.closest("[data-copy]").ok().flatten())
            .and_then(|button| button.get_attribute("data-copy"));
        if let Some(text) = text {
            let _ = leptos::prelude::window()
                .navigator()
                .clipboard()
                .write_text(&text);
        }
    }

    /// Checks a new password and its confirmation as they are typed, with
    /// the same rules the server applies, and says what is wrong next to
    /// the field.
    pub fn check_password(event: Event) {
        let typed_password = event
            .target()
            .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
            .is_some_and(|input| input.type_() == "password");
        let wrapper = event
            .current_target()
            .and_then(|target| target.dyn_into::<Element>().ok());
        let rules = wrapper.and_then(|wrapper| {
            wrapper
                .query_selector("[data-password][data-confirmation]")
                .ok()
                .flatten()
        });
        let (true, Some(rules)) = (typed_password, rules) else {
            return;
        };
        let attribute = |name: &str| rules.get_attribute(name).unwrap_or_default();
        let document = leptos::prelude::document();
        let input = |id: String| {
            document
                .get_element_by_id(&id)
                .and_then(|element| element.dyn_into::<HtmlInputElement>().ok())
        };
        let (Some(password), Some(confirmation)) = (
            input(attribute("data-password")),
            input(attribute("data-confirmation")),
        ) else {
            return;
        };
        let message = |problem: Problem| match problem {
            Problem::PasswordTooShort => Some(attribute("data-too-short")),
            Problem::PasswordTooLong => Some(attribute("data-too-long")),
            Problem::PasswordMismatch => Some(attribute("data-mismatch")),
            _ => None,
        };
        let live = [
            attribute("data-too-short"),
            attribute("data-too-long"),
            attribute("data-mismatch"),
        ];
        let (new, again) = (password.value(), confirmation.value());
        let (password_problem, confirmation_problem) = PasswordRule::check(&new, &again);
        let password_message = password_problem
            .filter(|_| !new.is_empty())
            .and_then(message);
        let confirmation_message = confirmation_problem
            .filter(|problem| !again.is_empty() && *problem == Problem::PasswordMismatch)
            .and_then(message);
        explain(&password, password_message, &live);
        explain(&confirmation, confirmation_message, &live);

        if let Ok(items) = rules.query_selector_all("li[data-rule=\"length\"]") {
            let met = PasswordRule::Length.is_met_by(&new).unwrap_or(false);
            for index in 0..items.length() {
                let Some(item) = items
                    .item(index)
                    .and_then(|node| node.dyn_into::<Element>().ok())
                else {
                    continue;
                };
                let _ = item.class_list().toggle_with_force("met", met);
                if let Ok(Some(mark)) = item.query_selector("[aria-hidden]") {
                    mark.set_text_content(Some(if met { "✓ " } else { "• " }));
                }
            }
        }
    }

    /// Shows `message` under `input`; with none, clears what an earlier
    /// keystroke said, but not the server's word on what was sent.
    fn explain(input: &HtmlInputElement, message: Option<String>, live: &[String]) {
        let document = leptos::prelude::document();
        let Some(paragraph) = document.get_element_by_id(&format!("{}-error", input.id())) else {
            return;
        };
        match message {
            Some(message) => {
                paragraph.set_text_content(Some(&message));
                let _ = input.set_attribute("aria-invalid", "true");
            }
            None => {
                let shown = paragraph.text_content().unwrap_or_default();
                if live.contains(&shown) {
                    paragraph.set_text_content(Some(""));
                    let _ = input.remove_attribute("aria-invalid");
                }
            }
        }
    }
}
