//! Pieces every page uses: the frame with its header (`frame`), form
//! fields that show their own error (`forms`), and a page's data read
//! again when it may have changed (`page`).

mod forms;
mod frame;
mod page;

pub use forms::{
    posted_error, server_problem, Field, FormError, LanguageAndCountry, NewPassword, OpenForm,
};
pub use frame::{area, Layout};
pub use page::{changing_action, page_source, set_status, signed_in_page, Changes, TableScroll};
