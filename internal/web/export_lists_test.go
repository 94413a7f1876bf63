package web

// Hooks for the case list tests in package web_test.

// CSVCell is csvCell, for its test.
var CSVCell = csvCell
