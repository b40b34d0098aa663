"""Model contracts (合同范本库): the bureau's templates and what a returned contract changed."""
