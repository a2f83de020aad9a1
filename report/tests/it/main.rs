//! Report tests: facts of a known inventory (the demo organisation) checked in the rendered
//! HTML and in the text a real PDF reader (poppler's `pdftotext`) extracts from the PDF.
//! Expectations are computed here from the findings, never copied from the model.

mod fixture;
mod html;
mod limits;
mod pdf;
