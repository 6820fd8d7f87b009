//! Variables templated where they are used, as Ansible does: a value with
//! `{{ … }}` is rendered (minijinja) only when `deploy` reads it, against
//! the host's own variables, themselves rendered on demand, plus the magic
//! ones (`inventory_hostname`, `groups`, `group_names`, `hostvars`). A
//! value that is one expression keeps its type (`"{{ 30 }}"` is a number),
//! as in ansible-core 2.19. Vaulted values (`{"__ansible_vault": …}`) are
//! opened by the caller's hook when used; unsafe ones
//! (`{"__ansible_unsafe": …}`) are never rendered.

mod filters;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use minijinja::{Environment, UndefinedBehavior};
use serde_json::{Map, Value};

use crate::exit::Problem;
use crate::inventory::{UNSAFE_KEY, VAULT_KEY, is_template, marked_text as marked};
use crate::messages::template as say;

/// How deep one variable may lead to another before it is called a loop.
const MAX_DEPTH: usize = 64;

/// Where the magic variables come from, asked only when a template names
/// one, and where a variable came from, for the errors.
pub trait Scope {
    /// Every group, with its hosts (`groups`).
    fn groups(&self) -> Map<String, Value>;
    /// The host's groups, `all` excepted (`group_names`).
    fn group_names(&self, host: &str) -> Vec<String>;
    /// Every host's variables, as the inventory gives them (`hostvars`).
    fn hostvars(&self) -> Map<String, Value>;
    /// The file (or `-e`) that gave the host this variable.
    fn origin(&self, host: &str, variable: &str) -> Option<String>;
}

/// The magic variables a template may name.
const MAGIC: [&str; 5] = [
    "inventory_hostname",
    "inventory_hostname_short",
    "groups",
    "group_names",
    "hostvars",
];

/// Opens a vaulted value: given the variable's name and the envelope, the
/// plaintext, or the reason it cannot be opened.
pub type Unvault<'a> = &'a dyn Fn(&str, &str) -> Result<String>;

/// Renders one host's variables on demand, each at most once.
pub struct Resolver<'a> {
    host: &'a str,
    vars: &'a Map<String, Value>,
    scope: &'a dyn Scope,
    unvault: Unvault<'a>,
    env: Environment<'static>,
    done: RefCell<BTreeMap<String, Option<Value>>>,
    /// The variables being rendered, outermost first: a loop shows here.
    active: RefCell<Vec<String>>,
}

impl<'a> Resolver<'a> {
    pub fn new(
        host: &'a str,
        vars: &'a Map<String, Value>,
        scope: &'a dyn Scope,
        unvault: Unvault<'a>,
    ) -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        filters::register(&mut env);
        Self {
            host,
            vars,
            scope,
            unvault,
            env,
            done: RefCell::new(BTreeMap::new()),
            active: RefCell::new(Vec::new()),
        }
    }

    /// A magic variable's value, made when first named.
    fn magic(&self, name: &str) -> Option<Value> {
        Some(match name {
            "inventory_hostname" => Value::from(self.host),
            "inventory_hostname_short" => {
                Value::from(self.host.split('.').next().unwrap_or(self.host))
            }
            "groups" => Value::Object(self.scope.groups()),
            "group_names" => Value::from(self.scope.group_names(self.host)),
            "hostvars" => Value::Object(self.scope.hostvars()),
            _ => return None,
        })
    }

    /// Where `variable` came from, said after its name in an error.
    fn origin(&self, variable: &str) -> String {
        self.scope
            .origin(self.host, variable)
            .map(|origin| format!(" (from {origin})"))
            .unwrap_or_default()
    }

    /// The variable `name` as `deploy` uses it: rendered, opened; `None`
    /// when the host has no such variable.
    pub fn var(&self, name: &str) -> Result<Option<Value>> {
        if let Some(done) = self.done.borrow().get(name) {
            return Ok(done.clone());
        }
        if MAGIC.contains(&name) {
            let value = self.magic(name);
            self.done
                .borrow_mut()
                .insert(name.to_owned(), value.clone());
            return Ok(value);
        }
        let Some(raw) = self.vars.get(name) else {
            return Ok(None);
        };
        {
            let mut active = self.active.borrow_mut();
            if active.iter().any(|seen| seen == name) || active.len() >= MAX_DEPTH {
                let mut chain = active.clone();
                chain.push(name.to_owned());
                return Err(Problem::usage(say::loop_of(self.host, &chain)).into());
            }
            active.push(name.to_owned());
        }
        let value = self.value(name, raw);
        self.active.borrow_mut().pop();
        let value = value?;
        self.done
            .borrow_mut()
            .insert(name.to_owned(), Some(value.clone()));
        Ok(Some(value))
    }

    /// A value of variable `name`: strings rendered, lists and maps
    /// through, vaulted values opened.
    fn value(&self, name: &str, raw: &Value) -> Result<Value> {
        match raw {
            Value::String(text) if is_template(text) => self.render(name, text),
            Value::Array(items) => items
                .iter()
                .map(|item| self.value(name, item))
                .collect::<Result<Vec<_>>>()
                .map(Value::Array),
            Value::Object(map) => {
                if let Some(text) = marked(map, VAULT_KEY) {
                    return (self.unvault)(name, text).map(Value::String);
                }
                if let Some(text) = marked(map, UNSAFE_KEY) {
                    return Ok(Value::String(text.to_owned()));
                }
                map.iter()
                    .map(|(key, item)| Ok((key.clone(), self.value(name, item)?)))
                    .collect::<Result<Map<_, _>>>()
                    .map(Value::Object)
            }
            other => Ok(other.clone()),
        }
    }

    fn render(&self, name: &str, text: &str) -> Result<Value> {
        let at = self.origin(name);
        let say_failed = |detail: &str| {
            anyhow::Error::from(Problem::usage(say::failed(
                self.host, name, &at, text, detail,
            )))
        };
        if let Some(expression) = single_expression(text) {
            let compiled = self
                .env
                .compile_expression(expression)
                .map_err(|err| say_failed(&describe(&err)))?;
            let (context, missing) = self.context(compiled.undeclared_variables(false))?;
            let value = compiled
                .eval(context)
                .map_err(|err| self.explain(name, text, &err, &missing))?;
            if value.is_undefined() {
                let what = missing.first().map_or(expression.trim(), String::as_str);
                return Err(
                    Problem::usage(say::undefined(self.host, name, &at, text, what)).into(),
                );
            }
            return serde_json::to_value(&value).map_err(|err| say_failed(&err.to_string()));
        }
        let template = self
            .env
            .template_from_str(text)
            .map_err(|err| say_failed(&describe(&err)))?;
        let (context, missing) = self.context(template.undeclared_variables(false))?;
        template
            .render(context)
            .map(Value::String)
            .map_err(|err| self.explain(name, text, &err, &missing))
    }

    /// A failed render in words: an undefined value is named when the
    /// template referred to a variable the host lacks.
    fn explain(
        &self,
        name: &str,
        text: &str,
        err: &minijinja::Error,
        missing: &[String],
    ) -> anyhow::Error {
        let at = self.origin(name);
        let advice = match (err.kind(), missing.first()) {
            (minijinja::ErrorKind::UndefinedError, Some(what)) => {
                say::undefined(self.host, name, &at, text, what)
            }
            _ => say::failed(self.host, name, &at, text, &describe(err)),
        };
        Problem::usage(advice).into()
    }

    /// The values a template names, each rendered first, and the names the
    /// host lacks: those stay out, so `default` and `is defined` see them
    /// undefined.
    fn context(
        &self,
        names: impl IntoIterator<Item = String>,
    ) -> Result<(minijinja::Value, Vec<String>)> {
        let names: BTreeSet<String> = names.into_iter().collect();
        let mut context = BTreeMap::new();
        let mut missing = Vec::new();
        for wanted in names {
            match self.var(&wanted)? {
                Some(value) => {
                    context.insert(
                        wanted,
                        minijinja::Value::from(minijinja::value::Serde(&value)),
                    );
                }
                None => missing.push(wanted),
            }
        }
        Ok((minijinja::Value::from(context), missing))
    }
}

/// The expression of a text that is exactly one `{{ … }}`.
fn single_expression(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    (!inner.contains("{{") && !inner.contains("}}") && !inner.contains("{%")).then_some(inner)
}

/// minijinja's error in one line: its kind and detail.
fn describe(err: &minijinja::Error) -> String {
    match err.detail() {
        Some(detail) => format!("{}: {detail}", err.kind()),
        None => err.kind().to_string(),
    }
}

#[cfg(test)]
mod tests;
