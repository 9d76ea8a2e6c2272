"""Reading files, the data contract, the validation rules and the monthly form."""
