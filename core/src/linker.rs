//! The linker: resolves a module's imports by name from host items and
//! previously registered instances, then instantiates.

use crate::Engine;
use crate::externals::Extern;
use crate::func::{Caller, IntoFunc};
use crate::instance::Instance;
use crate::module::Module;
use crate::store::{AsContext, AsContextMut};
use crate::types::FuncType;
use crate::values::Val;
use crate::vm::HostFn;
use anyhow::{Result, bail};
use std::collections::HashMap;
use std::sync::Arc;

/// A definition the linker holds: an item of a store, or a host function
/// not yet placed in any store.
#[derive(Clone)]
enum Definition {
    Extern(Extern),
    HostFunc(Arc<dyn Fn() -> (FuncType, Box<HostFn>) + Send + Sync>),
}

/// Resolves imports by `(module, name)`.
pub struct Linker<T> {
    engine: Engine,
    map: HashMap<(String, String), Definition>,
    allow_shadowing: bool,
    _marker: std::marker::PhantomData<fn(T)>,
}

impl<T: 'static> Linker<T> {
    /// Creates an empty linker for `engine`.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            map: HashMap::new(),
            allow_shadowing: false,
            _marker: std::marker::PhantomData,
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same
    /// name (off by default: redefinition is an error).
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition) -> Result<()> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.map.contains_key(&key) {
            bail!("`{module}::{name}` is already defined");
        }
        self.map.insert(key, def);
        Ok(())
    }

    /// Defines `module::name` as an item of `store`.
    pub fn define(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        let item = item.into();
        item.ty(&store)?;
        self.insert(module, name, Definition::Extern(item))?;
        Ok(self)
    }

    /// Defines a host function of type `ty` (placed in a store when a
    /// module importing it is instantiated).
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let f = Arc::new(f);
        let make = move || {
            let f = f.clone();
            let ty2 = ty.clone();
            let host = crate::func::untyped_host_fn::<T>(ty2.clone(), move |c, p, r| f(c, p, r));
            (ty2, host)
        };
        self.insert(module, name, Definition::HostFunc(Arc::new(make)))?;
        Ok(self)
    }

    /// Defines a typed host function (see [`Func::wrap`]).
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results> + Clone,
    ) -> Result<&mut Self> {
        let make = move || f.clone().into_host_fn();
        self.insert(module, name, Definition::HostFunc(Arc::new(make)))?;
        Ok(self)
    }

    /// Defines every export of `instance` under `module_name`.
    pub fn instance(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module_name: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        instance.module(store.as_context())?;
        for (name, item) in instance.exports(&mut store) {
            self.insert(module_name, &name, Definition::Extern(item))?;
        }
        Ok(self)
    }

    /// Instantiates `module` and defines its exports under `module_name`.
    pub fn module(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module_name: &str,
        module: &Module,
    ) -> Result<&mut Self> {
        let instance = self.instantiate(&mut store, module)?;
        self.instance(store, module_name, instance)
    }

    /// The item defined as `module::name`, placed in `store`.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let def = self.map.get(&(module.to_string(), name.to_string()))?;
        self.resolve(&mut store, def).ok()
    }

    fn resolve(&self, store: &mut impl AsContextMut<Data = T>, def: &Definition) -> Result<Extern> {
        Ok(match def {
            Definition::Extern(e) => *e,
            Definition::HostFunc(make) => {
                let (ty, host) = make();
                let inner = store.as_context_mut().0;
                Extern::Func(crate::func::new_host_func(&mut inner.opaque, ty, host)?)
            }
        })
    }

    /// Instantiates `module`, resolving every import by name.
    ///
    /// # Errors
    /// An unknown import, a type mismatch, or instantiation's own errors.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance> {
        let mut imports = Vec::with_capacity(module.imports().len());
        for import in module.imports() {
            let key = (import.module().to_string(), import.name().to_string());
            let Some(def) = self.map.get(&key) else {
                bail!(
                    "unknown import: `{}::{}` has not been defined",
                    import.module(),
                    import.name()
                );
            };
            imports.push(self.resolve(&mut store, def)?);
        }
        Instance::new(store, module, &imports)
    }

    /// Every definition's name.
    pub fn names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.keys().map(|(m, n)| (m.as_str(), n.as_str()))
    }
}
